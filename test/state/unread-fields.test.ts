// What a check run keeps of listed objects, and the parts its Pods share (src/state/live/unread-fields.ts), must change
// no finding: every built-in check on every fixture, with whole objects and with what is kept; and no check may read, on
// any fixture, a field that was left out.
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { SharedParts, withoutUnreadFields } from '../../src/state/live/unread-fields.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import type { StateSource } from '../../src/state/source.js';
import { FIXTURE_NOW, fixturePath } from '../support/fixtures.js';
import { comparable, snapshotFixtures } from '../support/live.js';
import { runChecks } from '../support/run-checks.js';

/** The fixture's snapshot with each object as a check run lists it (through `watch`, when given). */
function withoutUnread(source: StateSource, watch?: (kept: KubeObject, whole: KubeObject) => KubeObject): StateSource {
  return {
    collect: async (keys: ReadonlySet<DataKey>) => {
      const state = await source.collect(keys);
      const shared = new SharedParts();
      const objects = state.kubernetes.all().map((object) => {
        const kept = withoutUnreadFields(object, shared);
        return watch ? watch(kept, object) : kept;
      });
      return { ...state, kubernetes: new KubernetesObjects(objects) };
    },
  } as StateSource;
}

type Json = Record<string | number, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/**
 * `kept` as a check reads it, noting in `missed` (`Pod spec.nodeName`) every field the check asks
 * for that `whole` has and `kept` left out, and every object whose fields it lists that lost some.
 */
function watched(kept: unknown, whole: unknown, where: string, missed: Set<string>, proxies: WeakMap<object, unknown>): unknown {
  if (!isObject(kept) || !isObject(whole)) return kept;
  const known = proxies.get(kept);
  if (known) return known;
  const at = (key: string) => (Array.isArray(kept) ? `${where}[]` : `${where}${where.endsWith(' ') ? '' : '.'}${key}`);
  const proxy = new Proxy(kept, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol') return value;
      if (!Object.hasOwn(target, key) && Object.hasOwn(whole, key)) missed.add(at(key));
      return Object.hasOwn(target, key) ? watched(value, whole[key], at(key), missed, proxies) : value;
    },
    has(target, key) {
      if (typeof key === 'string' && !Object.hasOwn(target, key) && Object.hasOwn(whole, key)) missed.add(at(key));
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      if (Object.keys(target).length !== Object.keys(whole).length) missed.add(`${where} (all its fields)`);
      return Reflect.ownKeys(target);
    },
  });
  proxies.set(kept, proxy);
  return proxy;
}

const fields = (object: unknown): number => (typeof object === 'object' && object !== null ? Object.values(object).reduce<number>((count, value) => count + 1 + fields(value), 0) : 0);

describe('fields left out while listing', async () => {
  const fixtures = await snapshotFixtures();
  const context = { now: FIXTURE_NOW, stuckAfterMs: 5 * 60_000 };
  const everyNeed = new Set(builtinChecks.flatMap((check) => [...check.needs, ...(check.optionalNeeds ?? [])]));
  let leftOut = 0;

  it.each(fixtures)('%s: every check finds the same without them, and reads none of them', async (name) => {
    const whole = new SnapshotSource(fixturePath(name));
    const objects = (await whole.collect(everyNeed)).kubernetes.all();
    leftOut += objects.reduce((count, object: KubeObject) => count + fields(object) - fields(withoutUnreadFields(object)), 0);
    const [before, after] = await Promise.all([runChecks(builtinChecks, whole, context), runChecks(builtinChecks, withoutUnread(new SnapshotSource(fixturePath(name))), context)]);
    expect(comparable(after)).toEqual(comparable(before));
    const missed = new Set<string>();
    const proxies = new WeakMap<object, unknown>();
    await runChecks(builtinChecks, withoutUnread(new SnapshotSource(fixturePath(name)), (kept, object) => watched(kept, object, `${object.kind} `, missed, proxies) as KubeObject), context);
    expect([...missed]).toEqual([]);
  });

  it('the fixtures hold such fields, so the comparison above compares something', () => {
    expect(leftOut).toBeGreaterThan(1000);
  });
});
