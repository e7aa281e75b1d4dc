import type { ErrorObject, ValidateFunction } from 'ajv';
import type { GcpDataKey } from './cluster-state.js';
import type { KubeObject } from './kubernetes-types.js';

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

const metadata = shape({
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
});

const probe = shape({
  httpGet: shape({ path: string, port: intOrString, host: string, scheme: string, httpHeaders: list(shape({ name: string, value: string }, ['name'])) }),
  tcpSocket: object,
  grpc: object,
  exec: object,
  timeoutSeconds: integer,
  periodSeconds: integer,
  failureThreshold: integer,
  successThreshold: integer,
  initialDelaySeconds: integer,
});

// Required fields are those the API server requires (kubectl refuses an object without them).
const container = shape({
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
}, ['name']);

const podSpec = shape({ containers: list(container), initContainers: list(container) });
const conditions = list(shape({ type: string, status: string, reason: string, message: string }, ['type']));
const podTemplate = shape({ metadata, spec: podSpec });
const workload = { spec: shape({ selector: object, template: podTemplate }) };
const ingressBackend = shape({ service: shape({ name: string, port: shape({ number: integer, name: string }) }), resource: object });

// Gateway API (kubernetes-sigs/gateway-api apis/v1) and GKE's policies (gke-gateway-api apis/networking/v1), as kubernetes-types.ts models them.
const reference = shape({ group: string, kind: string, name: string, namespace: string, sectionName: string, port: integer }, ['name']);
const gatewayConditions = list(shape({ type: string, status: string, reason: string, message: string, observedGeneration: integer }, ['type', 'status']));
const route = {
  spec: shape({ parentRefs: list(reference), hostnames: stringList, rules: list(shape({ name: string, matches: list(object), filters: list(object), backendRefs: list(reference) })) }),
  status: shape({ parents: list(shape({ parentRef: reference, controllerName: string, conditions: gatewayConditions }, ['parentRef'])) }),
};
const protocolHealthCheck = shape({ portSpecification: string, port: integer, portName: string, host: string, requestPath: string, proxyHeader: string, response: string, request: string, grpcServiceName: string });
const policy = (defaults: Record<string, unknown>) => ({ spec: shape({ targetRef: reference, default: shape(defaults) }), status: shape({ conditions: gatewayConditions }) });

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
  ServiceNetworkEndpointGroup: { spec: object, status: object },
  BackendConfig: {
    spec: shape({
      healthCheck: shape({ requestPath: string, port: integer, type: string, checkIntervalSec: integer, timeoutSec: integer, healthyThreshold: integer, unhealthyThreshold: integer }),
    }),
  },
};

const kubernetesObject = {
  type: 'object',
  properties: { apiVersion: string, kind: string, metadata, spec: object, status: object },
  allOf: Object.entries(KIND_FIELDS).map(([kind, fields]) => ({ if: { properties: { kind: { const: kind } } }, then: { properties: fields } })),
};

const iamPolicy = shape({
  version: integer,
  etag: string,
  bindings: list(shape({ role: string, members: stringList, condition: shape({ expression: string, title: string, description: string }) })),
});

const GCP_SHAPES: Record<GcpDataKey, unknown> = {
  project: shape({ projectId: string, projectNumber: string, name: string, createTime: string }),
  iamPolicy,
  cluster: shape({
    name: string,
    location: string,
    zone: string,
    selfLink: string,
    createTime: string,
    currentMasterVersion: string,
    addonsConfig: shape({ httpLoadBalancing: shape({ disabled: boolean }) }),
    workloadIdentityConfig: shape({ workloadPool: string }),
    ipAllocationPolicy: shape({ useIpAliases: boolean }),
    networkConfig: shape({ network: string, subnetwork: string, gatewayApiConfig: shape({ channel: string }) }),
    nodeConfig: shape({ workloadMetadataConfig: shape({ mode: string }) }),
    nodePools: list(shape({ name: string, config: shape({ workloadMetadataConfig: shape({ mode: string }) }) })),
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
  subnetworks: list(shape({ name: string, region: string, network: string, purpose: string, role: string, state: string }, ['name'])),
};

type Validators = { kubernetes: ValidateFunction; gcp: Map<GcpDataKey, ValidateFunction> };
let validators: Promise<Validators> | undefined;

/**
 * Compiled once, on first use (ajv costs its import only to runs that read data). The
 * promise is kept, not its result: reads run concurrently, and each one that came before
 * the compile finished would otherwise compile every schema again (seconds each).
 */
function compiled(): Promise<Validators> {
  validators ??= import('ajv').then(({ Ajv }) => {
    const ajv = new Ajv({ allErrors: false, strict: false });
    return {
      kubernetes: ajv.compile(kubernetesObject),
      gcp: new Map(Object.entries(GCP_SHAPES).map(([key, schema]) => [key as GcpDataKey, ajv.compile(schema as object)])),
    };
  });
  return validators;
}

/** The first field of a Kubernetes object whose type is wrong, as `spec.ports must be an array`; undefined when well-typed. */
export async function kubernetesShapeProblem(value: KubeObject): Promise<string | undefined> {
  const validate = (await compiled()).kubernetes;
  return validate(value) ? undefined : problem(validate.errors);
}

/** The same for a piece of GCP data, in the shape gcloud prints it. */
export async function gcpShapeProblem(key: GcpDataKey, value: unknown): Promise<string | undefined> {
  const validate = (await compiled()).gcp.get(key)!;
  return validate(value) ? undefined : problem(validate.errors);
}

function problem(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.find((candidate) => candidate.keyword !== 'if') ?? errors?.[0];
  if (!error) return 'unexpected shape';
  const field = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
  const what = error.keyword === 'type' ? `must be ${article(String(error.params.type))}` : error.keyword === 'required' ? `needs "${String(error.params.missingProperty)}"` : (error.message ?? 'is not valid');
  return `${field || 'the document'} ${what}`;
}

function article(type: string): string {
  const names = type.split(',').map((name) => ({ object: 'an object', array: 'a list', string: 'a string', integer: 'an integer', boolean: 'true or false', number: 'a number' })[name] ?? name);
  return names.join(' or ');
}
