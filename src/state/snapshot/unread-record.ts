import { InputError } from '../../errors.js';
import type { CappedList, DataKey, UnreadKind } from '../cluster-state.js';
import { GCP_DATA_KEYS } from '../cluster-state.js';
import type { KubernetesKind } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';

/** `unread.json`: what a live read could not read, and why (SNAPSHOT_UNREAD_FILE). */
export interface UnreadRecord {
  unavailable: Partial<Record<DataKey, string>>;
  unreadInNamespaces: Record<string, readonly UnreadKind[]>;
  undiscovered: readonly UnreadKind[];
  /** Lists read only up to gke-doctor's cap (additive; absent in older snapshots): ClusterState.cappedLists. */
  cappedLists: Partial<Record<KubernetesKind, readonly CappedList[]>>;
}

const DATA_KEYS = new Set<string>([...GCP_DATA_KEYS, ...KUBERNETES_KINDS, 'ObjectsInTerminatingNamespaces']);

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const isCappedLists = (value: unknown): value is CappedList[] =>
  Array.isArray(value) &&
  value.every(
    (list) =>
      typeof list === 'object' && list !== null && typeof list.namespace === 'string' && typeof list.fieldSelector === 'string' && isCount(list.read) && (list.unreadAtMost === undefined || isCount(list.unreadAtMost)),
  );

const isUnreadKinds = (value: unknown): value is UnreadKind[] =>
  Array.isArray(value) && value.every((kind) => typeof kind === 'object' && kind !== null && typeof kind.resource === 'string' && typeof kind.reason === 'string');

/** Checks the shape of a parsed `unread.json`; one line naming the file and what is wrong otherwise. */
export function parseUnreadRecord(file: string, value: unknown): UnreadRecord {
  const fail = (what: string) => new InputError(`${file}: ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('expected an object with "unavailable", "unreadInNamespaces", "undiscovered" and "cappedLists"');
  const { unavailable = {}, unreadInNamespaces = {}, undiscovered = [], cappedLists = {} } = value as Record<string, unknown>;
  if (typeof unavailable !== 'object' || unavailable === null || Array.isArray(unavailable)) throw fail('"unavailable" must map data names to reasons');
  for (const [key, reason] of Object.entries(unavailable)) {
    if (!DATA_KEYS.has(key)) throw fail(`"unavailable" names ${JSON.stringify(key)}, which is not data gke-doctor reads`);
    if (typeof reason !== 'string') throw fail(`"unavailable.${key}" must be a string`);
  }
  if (typeof unreadInNamespaces !== 'object' || unreadInNamespaces === null || Array.isArray(unreadInNamespaces)) throw fail('"unreadInNamespaces" must map namespaces to lists');
  for (const [namespace, kinds] of Object.entries(unreadInNamespaces)) {
    if (!isUnreadKinds(kinds)) throw fail(`"unreadInNamespaces.${namespace}" must be a list of { "resource", "reason" }`);
  }
  if (!isUnreadKinds(undiscovered)) throw fail('"undiscovered" must be a list of { "resource", "reason" }');
  if (typeof cappedLists !== 'object' || cappedLists === null || Array.isArray(cappedLists)) throw fail('"cappedLists" must map kinds to lists');
  for (const [kind, lists] of Object.entries(cappedLists)) {
    if (!(KUBERNETES_KINDS as readonly string[]).includes(kind)) throw fail(`"cappedLists" names ${JSON.stringify(kind)}, which is not a kind gke-doctor reads`);
    if (!isCappedLists(lists)) throw fail(`"cappedLists.${kind}" must be a list of { "namespace", "fieldSelector", "read", "unreadAtMost"? } with counts as whole numbers`);
  }
  return {
    unavailable: unavailable as UnreadRecord['unavailable'],
    unreadInNamespaces: unreadInNamespaces as UnreadRecord['unreadInNamespaces'],
    undiscovered,
    cappedLists: cappedLists as UnreadRecord['cappedLists'],
  };
}
