import { parseJsonFile, withoutByteOrderMark } from '../files/input-file.js';
import { InputError } from '../../errors.js';
import { requireText } from '../files/binary-text.js';
import { isRecord } from '../files/kubernetes-documents.js';

/**
 * One resource instance of a plan, as `terraform show -json PLAN` describes it
 * (https://developer.hashicorp.com/terraform/internals/json-format):
 * `resource_changes[]` with `change.after` and `change.after_unknown`, falling
 * back to `planned_values` for instances a plan lists there only.
 */
export interface PlannedResource {
  /** `module.gke.google_container_cluster.main`, with `[0]` / `["key"]` for counted instances. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  /** `["create"]`, `["update"]`, `["delete"]`, `["delete","create"]`, `["no-op"]`, `["read"]`. */
  actions: string[];
  /** The values before the change (null for a create): what a deletion removes. */
  before: Record<string, unknown> | null;
  /** The planned values; attributes known only after apply are absent. */
  after: Record<string, unknown> | null;
  /** Same structure as `after`, with `true` where the value is known only after apply. */
  afterUnknown: unknown;
  /** 1-based line of the resource's entry in the plan file (1 for the one-line output of terraform). */
  line: number;
}

export interface TerraformPlan {
  file: string;
  resources: PlannedResource[];
  /** `provider "google" { project = "…" }`, when the configuration sets it to a constant. */
  providerProject?: string;
}

/** Parses the JSON of `terraform show -json PLAN`; throws InputError naming the file and the problem. */
export function parseTerraformPlan(file: string, text: string): TerraformPlan {
  if (text.startsWith('PK')) {
    throw new InputError(`${file}: this is a binary plan file; pass its JSON: terraform show -json ${file} > plan.json`);
  }
  requireText(file, text, 'the JSON of `terraform show -json PLAN`');
  const plan = parseJsonFile(file, withoutByteOrderMark(text));
  if (!isRecord(plan) || typeof plan.format_version !== 'string') {
    throw new InputError(`${file}: not the output of \`terraform show -json PLAN\` (no "format_version")`);
  }
  // The format promises to bump the major version only for incompatible changes: reject those.
  if (!plan.format_version.startsWith('1.')) {
    throw new InputError(`${file}: unsupported plan format_version ${plan.format_version} (gke-doctor reads 1.x)`);
  }
  if (!isRecord(plan.planned_values) && !Array.isArray(plan.resource_changes)) {
    throw new InputError(`${file}: no "planned_values" or "resource_changes": is this a state file rather than a plan?`);
  }

  const byAddress = new Map<string, PlannedResource>();
  const lineOf = addressLines(text);
  for (const resource of moduleResources(isRecord(plan.planned_values) ? plan.planned_values.root_module : undefined)) {
    byAddress.set(resource.address, {
      address: resource.address,
      mode: resource.mode === 'data' ? 'data' : 'managed',
      type: String(resource.type),
      actions: ['no-op'],
      before: null,
      after: isRecord(resource.values) ? resource.values : null,
      afterUnknown: {},
      line: lineOf(resource.address),
    });
  }
  for (const change of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (!isRecord(change) || typeof change.address !== 'string' || !isRecord(change.change)) {
      throw new InputError(`${file}: a resource_changes entry has no "address" or "change"`);
    }
    const { actions, before, after, after_unknown } = change.change;
    byAddress.set(change.address, {
      address: change.address,
      mode: change.mode === 'data' ? 'data' : 'managed',
      type: String(change.type),
      actions: Array.isArray(actions) ? actions.map(String) : [],
      before: isRecord(before) ? before : null,
      after: isRecord(after) ? after : null,
      afterUnknown: after_unknown ?? {},
      line: lineOf(change.address),
    });
  }
  // Data sources read while planning (data "google_project") are in prior_state only.
  const prior = isRecord(plan.prior_state) && isRecord(plan.prior_state.values) ? plan.prior_state.values.root_module : undefined;
  for (const resource of moduleResources(prior)) {
    if (resource.mode !== 'data' || byAddress.has(resource.address)) continue;
    byAddress.set(resource.address, {
      address: resource.address,
      mode: 'data',
      type: String(resource.type),
      actions: ['read'],
      before: null,
      after: isRecord(resource.values) ? resource.values : null,
      afterUnknown: {},
      line: lineOf(resource.address),
    });
  }
  return { file, resources: [...byAddress.values()], providerProject: providerProject(plan.configuration) };
}

/** Every resource of a module and its child modules, depth first. */
function moduleResources(module: unknown): (Record<string, unknown> & { address: string })[] {
  if (!isRecord(module)) return [];
  const own = Array.isArray(module.resources)
    ? module.resources.filter((r): r is Record<string, unknown> & { address: string } => isRecord(r) && typeof r.address === 'string')
    : [];
  const children = Array.isArray(module.child_modules) ? module.child_modules.flatMap(moduleResources) : [];
  return [...own, ...children];
}

function providerProject(configuration: unknown): string | undefined {
  if (!isRecord(configuration) || !isRecord(configuration.provider_config)) return undefined;
  for (const key of ['google', 'google-beta']) {
    const provider = configuration.provider_config[key];
    if (!isRecord(provider) || !isRecord(provider.expressions) || !isRecord(provider.expressions.project)) continue;
    const value = provider.expressions.project.constant_value;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** The line of the first `"address": "ADDRESS"` in the text, so a finding can point into the plan file. */
function addressLines(text: string): (address: string) => number {
  const lines = new Map<string, number>();
  const pattern = /"address"\s*:\s*("(?:[^"\\]|\\.)*")/g;
  let line = 1;
  let scanned = 0;
  for (const match of text.matchAll(pattern)) {
    for (; scanned < match.index; scanned++) if (text.charCodeAt(scanned) === 10) line++;
    const address = JSON.parse(match[1]!) as string;
    if (!lines.has(address)) lines.set(address, line);
  }
  return (address) => lines.get(address) ?? 1;
}

const UNKNOWN: unique symbol = Symbol('known after apply');
export type Planned<T> = T | typeof UNKNOWN | undefined;

/**
 * Reads a planned resource's attributes by Terraform path (`destination.0.gke.0.cluster`)
 * and records, under the API field name the caller gives, each one known only after apply.
 */
export class PlannedAttributes {
  readonly unknownFields: string[] = [];

  constructor(
    private readonly resource: PlannedResource,
    /** Read the values before the change instead (for what a deletion removes). */
    private readonly side: 'after' | 'before' = 'after',
  ) {}

  /** The value at `path`; undefined when it is absent, null, or unknown (then `field` is recorded). */
  get(path: string, field: string): unknown {
    const value = this.at(path);
    if (value === UNKNOWN) {
      if (!this.unknownFields.includes(field)) this.unknownFields.push(field);
      return undefined;
    }
    return value ?? undefined;
  }

  string(path: string, field: string): string | undefined {
    const value = this.get(path, field);
    return typeof value === 'string' ? value : undefined;
  }

  isUnknown(path: string): boolean {
    return this.at(path) === UNKNOWN;
  }

  private at(path: string): Planned<unknown> {
    let value: unknown = this.side === 'after' ? this.resource.after : this.resource.before;
    let unknown: unknown = this.side === 'after' ? this.resource.afterUnknown : {};
    for (const segment of path.split('.')) {
      if (unknown === true) return UNKNOWN;
      const key = /^\d+$/.test(segment) ? Number(segment) : segment;
      unknown = isRecord(unknown) || Array.isArray(unknown) ? (unknown as Record<string | number, unknown>)[key] : undefined;
      value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[key] : undefined;
    }
    return unknown === true ? UNKNOWN : value;
  }
}

/** True for a resource the plan removes (and does not create again). */
export function isPlannedDeletion(resource: PlannedResource): boolean {
  return resource.actions.includes('delete') && !resource.actions.includes('create');
}
