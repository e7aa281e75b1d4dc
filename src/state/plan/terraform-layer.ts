import { InputError } from '../../errors.js';
import { grantMembersField, kubernetesResourceName } from '../cluster-state.js';
import type { DataKey, SourceLocation } from '../cluster-state.js';
import type { Cluster, EventarcTrigger, GatewayApiChannel, IamBinding, IamPolicy } from '../gcp-types.js';
import { isRecord } from '../files/kubernetes-documents.js';
import type { KubeObject } from '../kubernetes-types.js';
import { KUBERNETES_KINDS } from '../kubernetes-types.js';
import type { PlannedLayer } from './planned-layer.js';
import { addUnknown, emptyLayer } from './planned-layer.js';
import { KUBERNETES_RESOURCE_KINDS, kubernetesFieldPath, kubernetesObjectFromResource } from './terraform-kubernetes.js';
import type { PlannedCluster } from './terraform-node-pools.js';
import { addNodePools } from './terraform-node-pools.js';
import type { PlannedResource, TerraformPlan } from './terraform-plan.js';
import { PlannedAttributes, isPlannedDeletion } from './terraform-plan.js';

/**
 * Turns a plan into the shapes checks read (container v1 Cluster, Eventarc v1
 * Trigger, IAM v1 Policy bindings, Kubernetes objects). Attribute names are the
 * hashicorp/google and hashicorp/kubernetes providers' (registry.terraform.io/providers/hashicorp/google/latest/docs).
 */
export function terraformPlanLayer(plan: TerraformPlan): PlannedLayer {
  const layer = emptyLayer('terraform-plan');
  const managed = plan.resources.filter((resource) => resource.mode === 'managed');
  layer.projectId = projectIdOf(plan);
  layer.projectNumber = projectNumberOf(plan.resources);
  const project = layer.projectId ?? '-';
  const at = (resource: PlannedResource): SourceLocation => ({ file: plan.file, line: resource.line, address: resource.address });

  const clusters: PlannedCluster[] = [];
  const nodePools: PlannedResource[] = [];
  for (const resource of managed) {
    switch (resource.type) {
      case 'google_container_cluster':
        if (!isPlannedDeletion(resource)) clusters.push(addCluster(layer, resource, project, at(resource)));
        break;
      case 'google_container_node_pool':
        if (!isPlannedDeletion(resource)) nodePools.push(resource);
        break;
      case 'google_eventarc_trigger':
        addTrigger(layer, resource, project, at(resource));
        break;
      case 'google_project_iam_member':
      case 'google_project_iam_binding':
      case 'google_project_iam_policy':
        addIamChange(layer, resource, project);
        break;
      case 'google_project_service_identity': {
        const email = new PlannedAttributes(resource).string('email', 'email');
        if (email) layer.locations.set(`serviceAccount:${email}`, at(resource));
        break;
      }
      default:
        if (resource.type === 'kubernetes_manifest' || resource.type in KUBERNETES_RESOURCE_KINDS) addKubernetesObject(layer, resource, at(resource));
    }
  }
  addNodePools(layer, clusters, nodePools);
  layer.provides = providedKeys(layer, managed);
  return layer;
}

function addCluster(layer: PlannedLayer, resource: PlannedResource, project: string, location: SourceLocation): PlannedCluster {
  const values = new PlannedAttributes(resource);
  const name = values.string('name', 'name') ?? resource.address;
  const clusterLocation = values.string('location', 'location');
  const cluster: Cluster = { name, location: clusterLocation };

  // The addon is on unless disabled (GKE's default; provider docs, addons_config.http_load_balancing).
  const httpLoadBalancingDisabled = values.get('addons_config.0.http_load_balancing.0.disabled', 'addonsConfig.httpLoadBalancing.disabled');
  if (!values.unknownFields.includes('addonsConfig.httpLoadBalancing.disabled')) {
    cluster.addonsConfig = { httpLoadBalancing: httpLoadBalancingDisabled === true ? { disabled: true } : {} };
  }
  // gateway_api_config { channel } is networkConfig.gatewayApiConfig.channel (provider docs, container_cluster#gateway_api_config);
  // left out, the provider sends nothing and the Gateway API stays as it is (off on a new cluster).
  const gatewayApiChannel = values.string('gateway_api_config.0.channel', 'networkConfig.gatewayApiConfig.channel');
  if (gatewayApiChannel) cluster.networkConfig = { gatewayApiConfig: { channel: gatewayApiChannel as GatewayApiChannel } };
  // Autopilot runs the GKE metadata server on every node (src/gke/eventarc/eventarc.ts nodePoolsWithoutGkeMetadata).
  if (values.get('enable_autopilot', 'autopilot.enabled') === true) cluster.autopilot = { enabled: true };
  const workloadPool = values.string('workload_identity_config.0.workload_pool', 'workloadIdentityConfig.workloadPool');
  if (workloadPool) cluster.workloadIdentityConfig = { workloadPool };

  const policy = values.get('ip_allocation_policy.0', 'ipAllocationPolicy');
  // VPC-native (alias IPs) when networking_mode says so, or when it is unset and an ip_allocation_policy is given.
  const networkingMode = values.get('networking_mode', 'ipAllocationPolicy.useIpAliases');
  if (isRecord(policy) || networkingMode !== undefined) {
    const range = (key: string, field: string) => values.string(`ip_allocation_policy.0.${key}`, `ipAllocationPolicy.${field}`);
    const ipAllocationPolicy: NonNullable<Cluster['ipAllocationPolicy']> = {
      clusterSecondaryRangeName: range('cluster_secondary_range_name', 'clusterSecondaryRangeName'),
      servicesSecondaryRangeName: range('services_secondary_range_name', 'servicesSecondaryRangeName'),
      clusterIpv4CidrBlock: range('cluster_ipv4_cidr_block', 'clusterIpv4CidrBlock'),
      servicesIpv4CidrBlock: range('services_ipv4_cidr_block', 'servicesIpv4CidrBlock'),
      stackType: range('stack_type', 'stackType') as NonNullable<Cluster['ipAllocationPolicy']>['stackType'],
    };
    if (!values.isUnknown('networking_mode')) ipAllocationPolicy.useIpAliases = networkingMode === 'VPC_NATIVE' || (networkingMode === undefined && isRecord(policy));
    cluster.ipAllocationPolicy = ipAllocationPolicy;
  }

  const resourceName = `projects/${values.string('project', 'project') ?? project}/locations/${clusterLocation ?? '-'}/clusters/${name}`;
  layer.clusters.push(cluster);
  layer.locations.set(resourceName, location);
  addUnknown(layer, resourceName, values.unknownFields);
  return { cluster, resourceName };
}

function addTrigger(layer: PlannedLayer, resource: PlannedResource, project: string, location: SourceLocation): void {
  const deleted = isPlannedDeletion(resource);
  const values = new PlannedAttributes(resource, deleted ? 'before' : 'after');
  const triggerProject = values.string('project', 'project') ?? project;
  const name = `projects/${triggerProject}/locations/${values.string('location', 'location') ?? '-'}/triggers/${values.string('name', 'name') ?? resource.address}`;
  if (deleted) {
    layer.deletedTriggers.push(name);
    return;
  }
  const trigger: EventarcTrigger = { name };
  const criteria = values.get('matching_criteria', 'eventFilters');
  if (Array.isArray(criteria)) {
    trigger.eventFilters = criteria.filter(isRecord).map((criterion) => ({
      attribute: String(criterion.attribute),
      value: String(criterion.value),
      ...(typeof criterion.operator === 'string' && criterion.operator !== '' ? { operator: criterion.operator } : {}),
    }));
  }
  const serviceAccount = values.string('service_account', 'serviceAccount');
  if (serviceAccount) trigger.serviceAccount = serviceAccount;
  trigger.destination = triggerDestination(values);
  const topic = values.string('transport.0.pubsub.0.topic', 'transport.pubsub.topic');
  if (topic) trigger.transport = { pubsub: { topic } };
  const channel = values.string('channel', 'channel');
  if (channel) trigger.channel = channel;
  const labels = values.get('labels', 'labels');
  if (isRecord(labels)) trigger.labels = labels as Record<string, string>;
  const contentType = values.string('event_data_content_type', 'eventDataContentType');
  if (contentType) trigger.eventDataContentType = contentType;

  layer.eventarcTriggers.push(trigger);
  layer.locations.set(name, location);
  // Findings about the account the trigger runs as (missing roles) belong to the trigger.
  if (serviceAccount && !layer.locations.has(`serviceAccount:${serviceAccount}`)) layer.locations.set(`serviceAccount:${serviceAccount}`, location);
  addUnknown(layer, name, values.unknownFields);
}

function triggerDestination(values: PlannedAttributes): EventarcTrigger['destination'] {
  const gke = values.get('destination.0.gke.0', 'destination.gke');
  if (isRecord(gke)) {
    const field = (key: string) => values.string(`destination.0.gke.0.${key}`, `destination.gke.${key}`) ?? '';
    const path = values.string('destination.0.gke.0.path', 'destination.gke.path');
    return { gke: { cluster: field('cluster'), location: field('location'), namespace: field('namespace'), service: field('service'), ...(path ? { path } : {}) } };
  }
  const run = values.get('destination.0.cloud_run_service.0', 'destination.cloudRun');
  if (isRecord(run)) {
    const path = values.string('destination.0.cloud_run_service.0.path', 'destination.cloudRun.path');
    return { cloudRun: { service: String(run.service ?? ''), region: String(run.region ?? ''), ...(path ? { path } : {}) } };
  }
  const workflow = values.string('destination.0.workflow', 'destination.workflow');
  if (workflow) return { workflow };
  const cloudFunction = values.string('destination.0.cloud_function', 'destination.cloudFunction');
  if (cloudFunction) return { cloudFunction };
  const uri = values.string('destination.0.http_endpoint.0.uri', 'destination.httpEndpoint.uri');
  if (uri) return { httpEndpoint: { uri } };
  return undefined;
}

function addIamChange(layer: PlannedLayer, resource: PlannedResource, project: string): void {
  const deleted = isPlannedDeletion(resource);
  const values = new PlannedAttributes(resource, deleted ? 'before' : 'after');
  const grantProject = values.string('project', 'project') ?? project;
  // Grants on another project do not change this one's policy.
  if (grantProject !== project) return;
  const policyName = `projects/${grantProject}`;

  if (resource.type === 'google_project_iam_policy') {
    if (deleted) return; // Deleting the resource leaves the policy as it is (provider docs).
    const policyData = values.string('policy_data', 'bindings');
    if (policyData) layer.iam.push({ kind: 'policy', policy: parsePolicyData(policyData, resource) });
    addUnknown(layer, policyName, values.unknownFields);
    return;
  }
  const role = values.string('role', 'bindings');
  if (!role) {
    addUnknown(layer, policyName, values.unknownFields);
    return;
  }
  const membersField = grantMembersField(role);
  const condition = bindingCondition(values);
  if (resource.type === 'google_project_iam_binding') {
    const members = values.get('members', membersField);
    const listed = Array.isArray(members) ? members : [];
    // A member known only after apply is null in `after` (true at its index in `after_unknown`): never a member named "null".
    const known = listed.filter((member, index) => !values.isUnknown(`members.${index}`) && typeof member === 'string').map(String);
    if (known.length < listed.length && !deleted) addUnknown(layer, policyName, [membersField]);
    const binding: IamBinding = { role, members: deleted ? [] : known, ...condition };
    // A binding whose members are unknown is left out rather than emptied: nothing is guessed.
    if (!values.unknownFields.includes(membersField)) layer.iam.push({ kind: 'binding', binding });
  } else {
    const member = values.string('member', membersField);
    if (member) layer.iam.push({ kind: 'member', binding: { role, members: [member], ...condition }, remove: deleted });
  }
  if (!deleted) addUnknown(layer, policyName, values.unknownFields);
}

function bindingCondition(values: PlannedAttributes): Pick<IamBinding, 'condition'> {
  const condition = values.get('condition.0', 'condition');
  if (!isRecord(condition)) return {};
  return { condition: { title: String(condition.title ?? ''), expression: String(condition.expression ?? ''), description: String(condition.description ?? '') } };
}

function parsePolicyData(policyData: string, resource: PlannedResource): IamPolicy {
  try {
    const policy: unknown = JSON.parse(policyData);
    if (isRecord(policy) && (policy.bindings === undefined || Array.isArray(policy.bindings))) return policy as IamPolicy;
  } catch {
    // reported below
  }
  throw new InputError(`${resource.address}: policy_data is not an IAM policy in JSON`);
}

function addKubernetesObject(layer: PlannedLayer, resource: PlannedResource, location: SourceLocation): void {
  const deleted = isPlannedDeletion(resource);
  const side = deleted ? 'before' : 'after';
  const values = new PlannedAttributes(resource, side);
  let object: KubeObject | undefined;
  let unknownPaths: string[] = [];
  if (resource.type === 'kubernetes_manifest') {
    const manifest = values.get('manifest', 'manifest');
    if (isRecord(manifest) && typeof manifest.kind === 'string') object = manifest as KubeObject;
    unknownPaths = unknownLeaves(resource.afterUnknown, []).filter((path) => path.startsWith('manifest.')).map((path) => path.slice('manifest.'.length));
  } else {
    const source = deleted ? resource.before : resource.after;
    object = source ? kubernetesObjectFromResource(resource.type, source) : undefined;
    unknownPaths = unknownLeaves(resource.afterUnknown, [])
      .filter((path) => /^(metadata|spec|data)\./.test(path))
      .map(kubernetesFieldPath);
  }
  if (!object?.metadata?.name) {
    addUnknown(layer, resource.address, ['metadata.name']);
    return;
  }
  const name = kubernetesResourceName(object);
  if (deleted) {
    layer.deletedKubernetes.push(name);
    return;
  }
  layer.kubernetes.push(object);
  layer.locations.set(name, location);
  addUnknown(layer, name, unknownPaths);
}

/** Dotted paths of every `true` in an `after_unknown` value. */
function unknownLeaves(value: unknown, path: string[]): string[] {
  if (value === true) return [path.join('.')];
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownLeaves(item, [...path, String(index)]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => unknownLeaves(item, [...path, key]));
  return [];
}

function projectIdOf(plan: TerraformPlan): string | undefined {
  for (const resource of plan.resources) {
    if (!resource.type.startsWith('google_')) continue;
    const values = new PlannedAttributes(resource, isPlannedDeletion(resource) ? 'before' : 'after');
    const id = resource.type === 'google_project' ? values.string('project_id', 'projectId') : values.string('project', 'project');
    if (id) return id;
  }
  return plan.providerProject;
}

/** From `data "google_project"` or `google_project` (`number`), or a service agent's email. */
function projectNumberOf(resources: readonly PlannedResource[]): string | undefined {
  for (const resource of resources) {
    const values = new PlannedAttributes(resource);
    if (resource.type === 'google_project') {
      const number = values.get('number', 'projectNumber');
      if (typeof number === 'string' || typeof number === 'number') return String(number);
    }
    if (resource.type === 'google_project_service_identity') {
      const agent = /^service-(\d+)@/.exec(values.string('email', 'email') ?? '');
      if (agent) return agent[1];
    }
  }
  return undefined;
}

function providedKeys(layer: PlannedLayer, managed: readonly PlannedResource[]): Set<DataKey> {
  const provides = new Set<DataKey>(['eventarcTriggers']);
  if (layer.clusters.length > 0) provides.add('cluster');
  if (managed.some((resource) => resource.type.startsWith('google_project_iam_'))) provides.add('iamPolicy');
  if (layer.projectId && layer.projectNumber) provides.add('project');
  if (layer.kubernetes.length > 0 || layer.deletedKubernetes.length > 0) {
    for (const kind of KUBERNETES_KINDS) provides.add(kind);
    provides.add('ObjectsInTerminatingNamespaces');
  }
  return provides;
}
