import type { ClusterState, DataKey, SourceLocation, Target } from '../cluster-state.js';
import { KubernetesObjects, kubernetesResourceName } from '../cluster-state.js';
import type { Cluster, EventarcTrigger, IamBinding, IamPolicy, Project } from '../gcp-types.js';
import { isRecord } from '../files/kubernetes-documents.js';
import type { KubernetesKind } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';
import { display, manifestsLayer, readManifests } from './manifest-files.js';
import type { IamChange, PlannedLayer } from './planned-layer.js';
import type { StateSource } from '../source.js';
import { terraformPlanLayer } from './terraform-layer.js';
import { parseTerraformPlan } from './terraform-plan.js';
import { readInputFile } from '../files/input-file.js';

export interface PlannedInputs {
  /** `--manifests`: files, directories, `-` for standard input. */
  manifests: readonly string[];
  /** `--terraform-plan`: the JSON of `terraform show -json PLAN`. */
  terraformPlan?: string;
  readStdin: () => Promise<string>;
}

/**
 * What a cluster and project will be after apply: a base source (a snapshot,
 * the live project, or nothing) with the objects of rendered manifests and the
 * planned values of a Terraform plan laid on top. Planned grants join the base
 * IAM policy, planned objects the base cluster; with no base, data neither input
 * provides is unavailable, with the reason.
 */
export class PlannedSource implements StateSource {
  constructor(
    private readonly base: StateSource | null,
    private readonly loadLayers: () => Promise<PlannedLayer[]>,
  ) {}

  /** `--probe` reaches Pods through the base, when the base is live. */
  get probe(): StateSource['probe'] {
    return this.base?.probe;
  }

  static fromFiles(base: StateSource | null, inputs: PlannedInputs): PlannedSource {
    return new PlannedSource(base, async () => {
      const layers: PlannedLayer[] = [];
      if (inputs.manifests.length > 0) layers.push(manifestsLayer(await readManifests(inputs.manifests, inputs.readStdin)));
      if (inputs.terraformPlan) layers.push(terraformPlanLayer(parseTerraformPlan(display(inputs.terraformPlan), await readPlan(inputs.terraformPlan))));
      return layers;
    });
  }

  async collect(keys: ReadonlySet<DataKey>): Promise<ClusterState> {
    const layers = await this.loadLayers();
    const base = this.base ? await this.base.collect(keys) : nothing(keys, layers);
    const provided = new Set(layers.flatMap((layer) => [...layer.provides]));
    const unavailable = new Map([...base.unavailable].filter(([key]) => !provided.has(key)));

    const cluster = plannedCluster(base.cluster, layers);
    const project = base.project ?? plannedProject(layers);
    if (project) unavailable.delete('project');
    const triggers = plannedTriggers(base.eventarcTriggers, layers);
    const kubernetes = plannedObjects(base.kubernetes, layers);
    const target: Target = {
      source: [...(this.base ? [base.target.source] : []), ...layers.map((layer) => layer.source)].join('+'),
      project: base.target.project ?? layers.find((layer) => layer.projectId)?.projectId ?? null,
      location: base.target.location ?? cluster?.location ?? null,
      cluster: base.target.cluster ?? cluster?.name ?? null,
    };
    return {
      ...base,
      target,
      project,
      cluster,
      iamPolicy: plannedIamPolicy(base.iamPolicy, layers),
      eventarcTriggers: triggers,
      kubernetes,
      unavailable,
      ...(this.base ? {} : { notInInputs: notInInputs(keys, cluster, triggers, kubernetes) }),
      locations: new Map<string, SourceLocation>([...base.locations, ...layers.flatMap((layer) => [...layer.locations])]),
      unknownUntilApply: mergeUnknowns([base.unknownUntilApply ?? new Map(), ...layers.map((layer) => layer.unknownUntilApply)]),
    };
  }
}

function readPlan(path: string): Promise<string> {
  return readInputFile(path, `--terraform-plan ${path}`);
}

/** The state without a base: nothing read, and for each key, why (unless a layer provides it). */
function nothing(keys: ReadonlySet<DataKey>, layers: readonly PlannedLayer[]): ClusterState {
  const plan = layers.find((layer) => layer.source === 'terraform-plan');
  const unavailable = new Map<DataKey, string>();
  for (const key of new Set<DataKey>([...keys, 'project', 'cluster'])) unavailable.set(key, whyUnavailable(key, plan));
  return {
    target: { source: 'none', project: null, location: null, cluster: null },
    kubernetes: new KubernetesObjects(),
    unavailable,
    locations: new Map(),
  };
}

/** Why a preflight with no base lacks `key`, and how to give it; a clause that reads after "could not check:". */
/** The snapshot files of the network's data (the snapshot layout's names). */
const NETWORK_FILES = {
  subnetworks: 'compute/subnetworks.json',
  firewalls: 'compute/firewalls.json',
  effectiveFirewalls: 'compute/effective-firewalls.json',
  regionalEffectiveFirewalls: 'compute/regional-effective-firewalls.json',
  network: 'compute/network.json',
} as const;

function whyUnavailable(key: DataKey, plan: PlannedLayer | undefined): string {
  const existing = (file: string) => `add --snapshot DIR with ${file}, or run live, for what exists already`;
  switch (key) {
    case 'project':
      return plan?.projectId
        ? `the Terraform plan does not give the number of project ${plan.projectId} (add a data "google_project" block to the configuration, or ${existing('project.json')})`
        : `no project was given (pass --terraform-plan, or ${existing('project.json')})`;
    case 'cluster':
      return plan
        ? `the Terraform plan has no google_container_cluster (${existing('cluster.json')})`
        : `no cluster was given (pass --terraform-plan, or ${existing('cluster.json')})`;
    case 'iamPolicy':
      return plan
        ? `the Terraform plan grants no project roles, and no IAM policy was read (${existing('iam-policy.json')})`
        : `no IAM policy was given (pass --terraform-plan, or ${existing('iam-policy.json')})`;
    case 'eventarcTriggers':
      return `no Eventarc triggers were given (pass --terraform-plan, or ${existing('eventarc-triggers.json')})`;
    case 'healthChecks':
    case 'backendServices':
      return `the GKE ingress controller creates load balancer ${key === 'healthChecks' ? 'health checks' : 'backend services'} only after apply (add --snapshot DIR to compare with existing ones)`;
    case 'firewalls':
    case 'effectiveFirewalls':
    case 'regionalEffectiveFirewalls':
    case 'network':
    case 'subnetworks':
      return `the network is not in the inputs (${existing(NETWORK_FILES[key])})`;
    default:
      return `no Kubernetes objects were given (pass --manifests with what helm template or kustomize build prints, or ${existing('k8s/')})`;
  }
}

/**
 * What a preflight's inputs hold none of: nothing of it is planned, so a check that judges it
 * (`Check.appliesTo`) has nothing to look at. Only the kinds of data a check can judge.
 */
function notInInputs(keys: ReadonlySet<DataKey>, cluster: Cluster | undefined, triggers: EventarcTrigger[] | undefined, kubernetes: KubernetesObjects): Map<DataKey, string> {
  const absent = new Map<DataKey, string>();
  if (!cluster) absent.set('cluster', 'the inputs hold no cluster (a google_container_cluster in --terraform-plan)');
  if ((triggers ?? []).length === 0) absent.set('eventarcTriggers', 'the inputs hold no Eventarc trigger');
  for (const key of keys) {
    if ((KUBERNETES_KINDS as readonly DataKey[]).includes(key) && kubernetes.list(key as KubernetesKind).length === 0) absent.set(key, `the inputs hold no ${key}`);
  }
  return absent;
}

function plannedProject(layers: readonly PlannedLayer[]): Project | undefined {
  const layer = layers.find((candidate) => candidate.projectId && candidate.projectNumber);
  return layer ? { projectId: layer.projectId!, projectNumber: layer.projectNumber! } : undefined;
}

/** The planned cluster matching the base one (by name), laid over it; else the first planned cluster. */
function plannedCluster(base: Cluster | undefined, layers: readonly PlannedLayer[]): Cluster | undefined {
  const planned = layers.flatMap((layer) => layer.clusters);
  if (!base) return planned[0];
  const same = planned.find((cluster) => cluster.name === base.name && (!cluster.location || !base.location || cluster.location === base.location));
  return same ? (overlay(base, same) as Cluster) : base;
}

function overlay(base: unknown, planned: unknown): unknown {
  if (!isRecord(base) || !isRecord(planned)) return planned === undefined ? base : planned;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(planned)) if (value !== undefined) merged[key] = overlay(base[key], value);
  return merged;
}

function plannedTriggers(base: EventarcTrigger[] | undefined, layers: readonly PlannedLayer[]): EventarcTrigger[] | undefined {
  const planned = layers.flatMap((layer) => layer.eventarcTriggers);
  const deleted = new Set(layers.flatMap((layer) => layer.deletedTriggers));
  if (!base && planned.length === 0 && !layers.some((layer) => layer.provides.has('eventarcTriggers'))) return undefined;
  const replaced = new Set(planned.map((trigger) => trigger.name));
  return [...(base ?? []).filter((trigger) => !deleted.has(trigger.name) && !replaced.has(trigger.name)), ...planned];
}

function plannedObjects(base: KubernetesObjects, layers: readonly PlannedLayer[]): KubernetesObjects {
  const planned = layers.flatMap((layer) => layer.kubernetes);
  const removed = new Set([...layers.flatMap((layer) => layer.deletedKubernetes), ...planned.map(kubernetesResourceName)]);
  return new KubernetesObjects([...base.all().filter((object) => !removed.has(kubernetesResourceName(object))), ...planned]);
}

/** Applies planned IAM changes in Terraform's order of authority: policy, then bindings, then members. */
function plannedIamPolicy(base: IamPolicy | undefined, layers: readonly PlannedLayer[]): IamPolicy | undefined {
  const changes = layers.flatMap((layer) => layer.iam);
  // A plan whose grants all wait on unknown members still says what it grants: nothing known yet.
  if (changes.length === 0) return base ?? (layers.some((layer) => layer.provides.has('iamPolicy')) ? { version: 1, bindings: [] } : undefined);
  const order: IamChange['kind'][] = ['policy', 'binding', 'member'];
  let bindings: IamBinding[] = (base?.bindings ?? []).map((binding) => ({ ...binding, members: [...(binding.members ?? [])] }));
  for (const kind of order) {
    for (const change of changes.filter((candidate) => candidate.kind === kind)) {
      if (change.kind === 'policy') bindings = (change.policy.bindings ?? []).map((binding) => ({ ...binding, members: [...(binding.members ?? [])] }));
      else if (change.kind === 'binding') bindings = [...bindings.filter((binding) => !sameBinding(binding, change.binding)), change.binding];
      else applyMember(bindings, change.binding, change.remove);
    }
  }
  return { ...(base ?? { version: 1 }), bindings: bindings.filter((binding) => (binding.members ?? []).length > 0) };
}

function applyMember(bindings: IamBinding[], grant: IamBinding, remove: boolean): void {
  const member = grant.members![0]!;
  const binding = bindings.find((candidate) => sameBinding(candidate, grant));
  if (remove) {
    if (binding) binding.members = (binding.members ?? []).filter((existing) => existing !== member);
  } else if (!binding) {
    bindings.push({ ...grant, members: [member] });
  } else if (!binding.members?.includes(member)) {
    binding.members = [...(binding.members ?? []), member];
  }
}

function sameBinding(a: IamBinding, b: IamBinding): boolean {
  return a.role === b.role && (a.condition?.expression ?? '') === (b.condition?.expression ?? '') && (a.condition?.title ?? '') === (b.condition?.title ?? '');
}

function mergeUnknowns(maps: readonly ReadonlyMap<string, readonly string[]>[]): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const map of maps) for (const [resource, fields] of map) merged.set(resource, [...new Set([...(merged.get(resource) ?? []), ...fields])]);
  return merged;
}
