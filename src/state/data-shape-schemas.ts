import type { GcpDataKey } from './cluster-state.js';

/**
 * The types of the fields checks read, as the APIs define them (Kubernetes
 * core/v1, apps/v1, networking/v1, apiregistration/v1, GKE's CRDs; the Google
 * REST resources), so that a source hands checks only well-typed data: a string
 * where a list belongs is refused where it was read, in one line naming the file
 * or API and the field, never met by a check as "x.map is not a function".
 * Fields no check reads are not constrained, and any field may be absent.
 */

const string = { type: 'string' };
const integer = { type: 'integer' };
const boolean = { type: 'boolean' };
const object = { type: 'object' };
const stringList = { type: 'array', items: string };
const stringMap = { type: 'object', additionalProperties: string };
/** kubectl prints `creationTimestamp: null` in pod templates. */
const timestamp = { type: ['string', 'null'] };
const intOrString = { type: ['integer', 'string'] };
const list = (items: unknown) => ({ type: 'array', items });
const shape = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, ...(required.length ? { required } : {}) });

/** Parts several kinds share, compiled once each and referenced: inlined copies made the compiled validators 600 KB. */
const $defs: Record<string, unknown> = {};
const shared = (name: string, schema: unknown) => {
  $defs[name] = schema;
  return { $ref: `#/$defs/${name}` };
};

const metadata = shared('metadata', shape({
  name: string,
  namespace: string,
  uid: string,
  generateName: string,
  resourceVersion: string,
  creationTimestamp: timestamp,
  deletionTimestamp: timestamp,
  labels: stringMap,
  annotations: stringMap,
  finalizers: stringList,
  ownerReferences: list(shape({ apiVersion: string, kind: string, name: string, uid: string, controller: boolean }, ['kind', 'name'])),
}));

const probe = shared('probe', shape({
  httpGet: shape({ path: string, port: intOrString, host: string, scheme: string, httpHeaders: list(shape({ name: string, value: string }, ['name'])) }),
  tcpSocket: object,
  grpc: object,
  exec: object,
  timeoutSeconds: integer,
  periodSeconds: integer,
  failureThreshold: integer,
  successThreshold: integer,
  initialDelaySeconds: integer,
}));

// Required fields are those the API server requires (kubectl refuses an object without them).
const container = shared('container', shape({
  name: string,
  image: string,
  command: stringList,
  args: stringList,
  env: list(shape({ name: string, value: string, valueFrom: object }, ['name'])),
  envFrom: list(object),
  ports: list(shape({ containerPort: integer, name: string, protocol: string })),
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe,
}, ['name']));

const podSpec = shared('podSpec', shape({ containers: list(container), initContainers: list(container) }));
const conditions = shared('conditions', list(shape({ type: string, status: string, reason: string, message: string }, ['type'])));
const podTemplate = shared('podTemplate', shape({ metadata, spec: podSpec }));
const workload = { spec: shape({ selector: object, template: podTemplate }) };
const ingressBackend = shape({ service: shape({ name: string, port: shape({ number: integer, name: string }) }), resource: object });

// Gateway API (kubernetes-sigs/gateway-api apis/v1) and GKE's policies (gke-gateway-api apis/networking/v1), as kubernetes-types.ts models them.
const reference = shared('reference', shape({ group: string, kind: string, name: string, namespace: string, sectionName: string, port: integer }, ['name']));
const gatewayConditions = shared('gatewayConditions', list(shape({ type: string, status: string, reason: string, message: string, observedGeneration: integer }, ['type', 'status'])));
const route = {
  spec: shape({ parentRefs: list(reference), hostnames: stringList, rules: list(shape({ name: string, matches: list(object), filters: list(object), backendRefs: list(reference) })) }),
  status: shape({ parents: list(shape({ parentRef: reference, controllerName: string, conditions: gatewayConditions }, ['parentRef'])) }),
};
const protocolHealthCheck = shared('protocolHealthCheck', shape({ portSpecification: string, port: integer, portName: string, host: string, requestPath: string, proxyHeader: string, response: string, request: string, grpcServiceName: string }));
const policy = (defaults: Record<string, unknown>) => ({ spec: shape({ targetRef: reference, default: shape(defaults) }), status: shape({ conditions: gatewayConditions }) });

// admissionregistration/v1 and apiextensions/v1 (k8s.io/api admissionregistration/v1/types.go, apiextensions-apiserver apis/apiextensions/v1/types.go).
const serviceReference = shape({ namespace: string, name: string, path: string, port: integer }, ['namespace', 'name']);
const clientConfig = shape({ service: serviceReference, url: string, caBundle: string });
const labelSelector = shared('labelSelector', shape({ matchLabels: stringMap, matchExpressions: list(shape({ key: string, operator: string, values: stringList }, ['key', 'operator'])) }));
const webhooks = {
  webhooks: list(
    shape(
      {
        name: string,
        clientConfig,
        rules: list(shape({ operations: stringList, apiGroups: stringList, apiVersions: stringList, resources: stringList, scope: string })),
        failurePolicy: string,
        matchPolicy: string,
        namespaceSelector: labelSelector,
        objectSelector: labelSelector,
        matchConditions: list(object),
      },
      ['name'],
    ),
  ),
};

/** By kind, what checks read beyond metadata. */
const KIND_FIELDS: Record<string, Record<string, unknown>> = {
  Namespace: { spec: shape({ finalizers: stringList }), status: shape({ phase: string, conditions }) },
  Pod: { spec: podSpec, status: shape({ phase: string, conditions, containerStatuses: list(object) }) },
  Deployment: workload,
  StatefulSet: workload,
  DaemonSet: workload,
  ReplicaSet: workload,
  Service: {
    spec: shape({
      type: string,
      clusterIP: string,
      selector: stringMap,
      ports: list(shape({ name: string, port: integer, targetPort: intOrString, protocol: string, nodePort: integer, appProtocol: string }, ['port'])),
    }),
  },
  Ingress: {
    spec: shape({
      ingressClassName: string,
      defaultBackend: ingressBackend,
      rules: list(shape({ host: string, http: shape({ paths: list(shape({ path: string, pathType: string, backend: ingressBackend }, ['backend'])) }, ['paths']) })),
      tls: list(object),
    }),
  },
  IngressClass: { spec: shape({ controller: string }) },
  ConfigMap: { data: stringMap, binaryData: stringMap },
  CustomResourceDefinition: {
    spec: shape({
      group: string,
      scope: string,
      names: shape({ kind: string, plural: string }),
      versions: list(shape({ name: string, served: boolean, storage: boolean }, ['name'])),
      conversion: shape({ strategy: string, webhook: shape({ clientConfig, conversionReviewVersions: stringList }) }),
    }),
    status: shape({ storedVersions: stringList, conditions }),
  },
  ValidatingWebhookConfiguration: webhooks,
  MutatingWebhookConfiguration: webhooks,
  APIService: { spec: shape({ group: string, version: string, service: shape({ name: string, namespace: string }) }), status: shape({ conditions }) },
  GatewayClass: { spec: shape({ controllerName: string, parametersRef: reference, description: string }), status: shape({ conditions: gatewayConditions }) },
  Gateway: {
    spec: shape({ gatewayClassName: string, listeners: list(shape({ name: string, hostname: string, port: integer, protocol: string }, ['name', 'port', 'protocol'])), addresses: list(shape({ type: string, value: string })) }),
    status: shape({
      addresses: list(shape({ type: string, value: string })),
      conditions: gatewayConditions,
      listeners: list(shape({ name: string, attachedRoutes: integer, conditions: gatewayConditions, supportedKinds: list(shape({ group: string, kind: string })) })),
    }),
  },
  HTTPRoute: route,
  GRPCRoute: route,
  ReferenceGrant: { spec: shape({ from: list(shape({ group: string, kind: string, namespace: string })), to: list(shape({ group: string, kind: string, name: string })) }) },
  HealthCheckPolicy: policy({
    checkIntervalSec: integer,
    timeoutSec: integer,
    healthyThreshold: integer,
    unhealthyThreshold: integer,
    config: shape({
      type: string,
      tcpHealthCheck: protocolHealthCheck,
      httpHealthCheck: protocolHealthCheck,
      httpsHealthCheck: protocolHealthCheck,
      http2HealthCheck: protocolHealthCheck,
      grpcHealthCheck: protocolHealthCheck,
    }),
    logConfig: shape({ enabled: boolean }),
  }),
  GCPBackendPolicy: policy({}),
  GCPGatewayPolicy: policy({}),
  FrontendConfig: { spec: object },
  NetworkPolicy: {
    spec: shape({
      podSelector: labelSelector,
      policyTypes: stringList,
      ingress: list(
        shape({
          from: list(shape({ podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: shape({ cidr: string, except: stringList }, ['cidr']) })),
          ports: list(shape({ protocol: string, port: intOrString, endPort: integer })),
        }),
      ),
    }),
  },
  ServiceNetworkEndpointGroup: { spec: object, status: object },
  // core v1 Event and events.k8s.io/v1 Event (the fields the events check reads of either).
  Event: {
    type: string,
    reason: string,
    message: string,
    note: string,
    count: integer,
    deprecatedCount: integer,
    firstTimestamp: timestamp,
    lastTimestamp: timestamp,
    eventTime: timestamp,
    involvedObject: shape({ apiVersion: string, kind: string, name: string, namespace: string, uid: string }),
    regarding: shape({ apiVersion: string, kind: string, name: string, namespace: string, uid: string }),
    source: shape({ component: string, host: string }),
    reportingController: string,
    reportingComponent: string,
    series: shape({ count: integer, lastObservedTime: timestamp }),
  },
  ManagedCertificate: {
    spec: shape({ domains: stringList }),
    status: shape({ certificateStatus: string, certificateName: string, expireTime: string, domainStatus: list(shape({ domain: string, status: string }, ['domain', 'status'])) }),
  },
  BackendConfig: {
    spec: shape({
      healthCheck: shape({ requestPath: string, port: integer, type: string, checkIntervalSec: integer, timeoutSec: integer, healthyThreshold: integer, unhealthyThreshold: integer }),
    }),
  },
};

const kubernetesObject = {
  type: 'object',
  properties: { apiVersion: string, kind: string, metadata, spec: object, status: object },
  $defs,
  allOf: Object.entries(KIND_FIELDS).map(([kind, fields]) => ({ if: { properties: { kind: { const: kind } } }, then: { properties: fields } })),
};

const iamPolicy = shape({
  version: integer,
  etag: string,
  bindings: list(shape({ role: string, members: stringList, condition: shape({ expression: string, title: string, description: string }) })),
  auditConfigs: list(shape({ service: string, auditLogConfigs: list(shape({ logType: string, exemptedMembers: stringList })) })),
});

/** Compute v1 Firewall (a VPC firewall rule), the fields checks read. */
const protocolPorts = list(shape({ IPProtocol: string, ports: stringList }));
const firewall = shape(
  {
    name: string,
    network: string,
    priority: integer,
    direction: string,
    disabled: boolean,
    sourceRanges: stringList,
    sourceTags: stringList,
    sourceServiceAccounts: stringList,
    destinationRanges: stringList,
    targetTags: stringList,
    targetServiceAccounts: stringList,
    allowed: protocolPorts,
    denied: protocolPorts,
  },
  ['name'],
);

// compute v1 NetworksGetEffectiveFirewallsResponse, and RegionNetworkFirewallPoliciesGetEffectiveFirewallsResponse (the same fields;
// one schema object each, as the standalone validators are compiled per object).
const effectiveFirewalls = () =>
  shape({
  firewalls: list(firewall),
  firewallPolicys: list(
    shape({
      name: string,
      type: string,
      rules: list(
        shape({
          priority: integer,
          action: string,
          direction: string,
          disabled: boolean,
          match: shape({ srcIpRanges: stringList, destIpRanges: stringList, layer4Configs: list(shape({ ipProtocol: string, ports: stringList })) }),
          targetServiceAccounts: stringList,
          targetResources: stringList,
        }),
      ),
    }),
  ),
});

const GCP_SHAPES: Record<GcpDataKey, object> = {
  project: shape({ projectId: string, projectNumber: string, name: string, createTime: string }),
  iamPolicy,
  cluster: shape({
    name: string,
    location: string,
    zone: string,
    selfLink: string,
    createTime: string,
    currentMasterVersion: string,
    id: string,
    network: string,
    addonsConfig: shape({ httpLoadBalancing: shape({ disabled: boolean }), networkPolicyConfig: shape({ disabled: boolean }) }),
    workloadIdentityConfig: shape({ workloadPool: string }),
    ipAllocationPolicy: shape({ useIpAliases: boolean }),
    networkPolicy: shape({ enabled: boolean, provider: string }),
    networkConfig: shape({ network: string, subnetwork: string, datapathProvider: string, gatewayApiConfig: shape({ channel: string }) }),
    nodeConfig: shape({ workloadMetadataConfig: shape({ mode: string }), tags: stringList, serviceAccount: string }),
    nodePools: list(shape({ name: string, config: shape({ workloadMetadataConfig: shape({ mode: string }), tags: stringList, serviceAccount: string }) })),
    privateClusterConfig: shape({ enablePrivateEndpoint: boolean }),
    controlPlaneEndpointsConfig: shape({ ipEndpointsConfig: shape({ enabled: boolean, enablePublicEndpoint: boolean }) }),
  }),
  eventarcTriggers: list(
    shape(
      {
        name: string,
        serviceAccount: string,
        createTime: string,
        eventFilters: list(shape({ attribute: string, value: string, operator: string })),
        destination: shape({ gke: shape({ cluster: string, location: string, namespace: string, service: string, path: string }) }),
        conditions: { type: 'object', additionalProperties: shape({ code: string, message: string }) },
        transport: object,
        labels: stringMap,
      },
      ['name'],
    ),
  ),
  healthChecks: list(
    shape(
      {
        name: string,
        type: string,
        selfLink: string,
        region: string,
        checkIntervalSec: integer,
        timeoutSec: integer,
        httpHealthCheck: object,
        httpsHealthCheck: object,
        http2HealthCheck: object,
      },
      ['name'],
    ),
  ),
  backendServices: list(shape({ name: string, healthChecks: stringList, backends: list(object) }, ['name'])),
  subnetworks: list(shape({ name: string, region: string, network: string, purpose: string, role: string, state: string, ipCidrRange: string }, ['name'])),
  firewalls: list(firewall),
  effectiveFirewalls: effectiveFirewalls(),
  regionalEffectiveFirewalls: effectiveFirewalls(),
  // compute v1 Network (https://cloud.google.com/compute/docs/reference/rest/v1/networks): AFTER_CLASSIC_FIREWALL or BEFORE_CLASSIC_FIREWALL.
  network: shape({ name: string, selfLink: string, networkFirewallPolicyEnforcementOrder: string }, ['name']),
  // compute v1 BackendServiceGroupHealth per backend group (https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/getHealth).
  backendHealth: list(
    shape(
      {
        backendService: string,
        region: string,
        health: list(shape({ backend: string, status: shape({ healthStatus: list(shape({ healthState: string, instance: string, ipAddress: string, port: integer })) }) }, ['backend'])),
      },
      ['backendService', 'health'],
    ),
  ),
  // A copy: ajv's standalone code names one validator per schema object, and two keys sharing one collide.
  hostIamPolicy: { ...iamPolicy },
  pubsubTopics: list(shape({ name: string, labels: stringMap }, ['name'])),
  pubsubSubscriptions: list(shape({ name: string, topic: string, state: string, labels: stringMap }, ['name'])),
};

/**
 * The answers whose contents are read before any object in them is validated: list pages and
 * discovery documents. A wrong envelope (a bare JSON array, `items` of strings, a number where
 * `continue` belongs) is a failed read, never an empty or partial list.
 */
const ENVELOPES = {
  // meta/v1 List: `kind` is the item kind + "List" (PodList, PartialObjectMetadataList), `items` is always
  // sent (apimachinery meta.SetList makes an empty slice, never nil), `metadata.continue` is a string
  // (k8s.io/apimachinery pkg/apis/meta/v1/types.go ListMeta).
  kubernetesList: shape({ kind: { type: 'string', pattern: 'List$' }, metadata: shape({ continue: string }), items: list(object) }, ['kind', 'items']),
  // Discovery (k8s.io/apimachinery pkg/apis/meta/v1/types.go APIGroupList, APIGroup, APIResourceList).
  apiGroupList: shape({ groups: list(shape({ name: string, preferredVersion: shape({ groupVersion: string }, ['groupVersion']), versions: list(object) }, ['name'])) }, ['groups']),
  apiGroup: shape({ preferredVersion: shape({ version: string }, ['version']), versions: list(shape({ version: string }, ['version'])) }),
  apiResourceList: shape({ resources: list(shape({ name: string, kind: string, namespaced: boolean, verbs: stringList }, ['name', 'kind'])) }, ['resources']),
  // Eventarc v1 ListTriggersResponse (https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers/list).
  eventarcTriggerList: shape({ triggers: list(object), nextPageToken: string }),
  // compute v1 aggregatedList: `items` maps each scope to its list (or a warning) (https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks/aggregatedList).
  computeAggregatedList: shape({
    items: { type: 'object', additionalProperties: shape({ healthChecks: list(object), backendServices: list(object), subnetworks: list(object), warning: object }) },
    nextPageToken: string,
    // With returnPartialSuccess, the scopes that could not be listed (backendServices/aggregatedList).
    unreachables: stringList,
  }),
  // compute v1 list (FirewallList: https://cloud.google.com/compute/docs/reference/rest/v1/firewalls/list): `items` omitted when empty.
  computeList: shape({ items: list(object), nextPageToken: string }),
  // container v1 ListClustersResponse (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters/list).
  gkeClusterList: shape({ clusters: list(shape({ name: string, location: string }, ['name'])), missingZones: stringList }),
  // gkehub v1 ListMembershipsResponse (https://cloud.google.com/kubernetes-engine/enterprise/docs/reference/rest/v1/projects.locations.memberships/list).
  gkeHubMembershipList: shape({ resources: list(object), nextPageToken: string }),
  // cloudasset v1 SearchAllResourcesResponse (https://cloud.google.com/asset-inventory/docs/reference/rest/v1/TopLevel/searchAllResources).
  assetSearchList: shape({ results: list(shape({ name: string, assetType: string, project: string })), nextPageToken: string }),
  // cloudresourcemanager v3 ListFoldersResponse and ListProjectsResponse (https://cloud.google.com/resource-manager/reference/rest/v3/folders/list, …/v3/projects/list).
  folderList: shape({ folders: list(shape({ name: string, state: string })), nextPageToken: string }),
  projectList: shape({ projects: list(shape({ name: string, projectId: string, state: string })), nextPageToken: string }),
  // storage v1 objects.list (https://cloud.google.com/storage/docs/json_api/v1/objects/list).
  storageObjectList: shape({ items: list(shape({ name: string, updated: string }, ['name'])), nextPageToken: string }),
};
export type EnvelopeName = keyof typeof ENVELOPES;

/** Every schema a source validates against, by name: `kubernetes` for any object, each piece of GCP data, and the envelopes. */
export const SHAPE_SCHEMAS: Record<'kubernetes' | GcpDataKey | EnvelopeName, object> = { kubernetes: kubernetesObject, ...GCP_SHAPES, ...ENVELOPES };
export type ShapeName = keyof typeof SHAPE_SCHEMAS;

/** ajv's options for them, at run time and when the bundle compiles them ahead (scripts/bundle.js). */
export const SHAPE_AJV_OPTIONS = { allErrors: false, strict: false, inlineRefs: false } as const;
