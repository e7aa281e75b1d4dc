import type { ClusterState } from '../../state/cluster-state.js';
import type { HealthCheckPolicy, PolicyProtocolHealthCheck, Service } from '../../state/kubernetes-types.js';
import type { Field, ServingContainer } from '../load-balancer/health-check-inference.js';
import { healthCheckRequestPath, probePortNumber, servingContainer } from '../load-balancer/health-check-inference.js';
import type { PodSource, ServicePort } from '../load-balancer/ingress-backends.js';
import { manifestHead } from '../manifests.js';
import { shownPath } from '../request-path.js';

/** The protocol-specific field of a HealthCheckPolicy's `config` for each `type` (healthcheck_types.go HealthCheck). */
export const POLICY_PROTOCOL_FIELDS = {
  HTTP: 'httpHealthCheck',
  HTTPS: 'httpsHealthCheck',
  HTTP2: 'http2HealthCheck',
  GRPC: 'grpcHealthCheck',
  TCP: 'tcpHealthCheck',
} as const;

const NO_POLICY = 'the Gateway controller\'s default: no HealthCheckPolicy targets the Service';

/** The health check GKE's Gateway controller gives one Service port's backend, each field with where it came from. */
export interface GatewayHealthCheck {
  policy?: HealthCheckPolicy;
  type: Field<string>;
  /** For HTTP, HTTPS and HTTP2 checks. */
  requestPath: Field<string>;
  host: Field<string | undefined>;
  portSpecification: Field<string>;
  /** The Pod port the check reaches: the serving port (NEG endpoints), or the fixed port the policy sets. */
  podPort: number | undefined;
  /** Why the policy's port specification gives the load balancer no port to check (USE_NAMED_PORT, or USE_FIXED_PORT without a port). */
  unusablePort?: { why: string; portName?: string };
  serving?: ServingContainer;
}

/**
 * HealthCheckPolicies that target this Service: same namespace (the policy and its
 * target must share one, configure-gateway-resources "Restrictions and limitations"),
 * targetRef group "" and kind Service.
 */
export function healthCheckPoliciesFor(service: Service, state: ClusterState): HealthCheckPolicy[] {
  const namespace = service.metadata?.namespace ?? 'default';
  return state.kubernetes
    .list('HealthCheckPolicy')
    .filter((policy) => (policy.metadata?.namespace ?? 'default') === namespace)
    .filter((policy) => {
      const ref = policy.spec?.targetRef;
      return ref?.name === service.metadata?.name && (ref?.kind ?? '') === 'Service' && (ref?.group ?? '') === '';
    });
}

/**
 * What the load balancer checks for a Service port behind a GKE Gateway. The Gateway
 * controller does not read readinessProbes: without a HealthCheckPolicy the check is
 * HTTP GET / on the serving port (DESIGN.md, and artifact-keeper/artifact-keeper-iac#125:
 * "each BackendService the controller creates from an HTTPRoute defaults to an HTTP
 * GET / health check"). A HealthCheckPolicy overrides field by field, with the API's
 * own defaults for what it leaves out (GoogleCloudPlatform/gke-gateway-api
 * apis/networking/v1/healthcheck_types.go): type HTTP, requestPath "/", and
 * USE_SERVING_PORT unless it sets port or portName. Gateways always use NEGs
 * (container-native load balancing), so the serving port is the Pod's targetPort.
 */
export function inferGatewayHealthCheck(input: { service: Service; servicePort: ServicePort; podSources: readonly PodSource[]; policy?: HealthCheckPolicy }): GatewayHealthCheck {
  const { servicePort, podSources, policy } = input;
  const serving = servingContainer(podSources, servicePort.targetPort ?? servicePort.port);
  const check: GatewayHealthCheck = {
    type: { value: 'HTTP', origin: NO_POLICY },
    requestPath: { value: '/', origin: NO_POLICY },
    host: { value: undefined, origin: 'default: the endpoint\'s IP' },
    portSpecification: { value: 'USE_SERVING_PORT', origin: 'default: each endpoint\'s serving port' },
    podPort: serving?.port,
    serving,
  };
  const config = policy?.spec?.default?.config;
  if (!policy) return check;
  check.policy = policy;
  const from = `HealthCheckPolicy ${policy.metadata?.name}`;
  check.type = config?.type ? { value: config.type, origin: `${from} config.type` } : { value: 'HTTP', origin: `${from}: type not set, HTTP by default` };
  const field = POLICY_PROTOCOL_FIELDS[check.type.value as keyof typeof POLICY_PROTOCOL_FIELDS];
  const protocol: PolicyProtocolHealthCheck = (field ? config?.[field] : undefined) ?? {};
  const where = `${from} config.${field ?? '?'}`;
  check.requestPath = protocol.requestPath ? { value: protocol.requestPath, origin: `${where}.requestPath` } : { value: '/', origin: `${from}: requestPath not set, "/" by default` };
  if (protocol.host) check.host = { value: protocol.host, origin: `${where}.host` };
  // CommonHealthCheck.PortSpecification: unset, it "follows behavior specified in port and portName fields" ("If both
  // port and portName are defined, port takes precedence"), and with neither it is USE_SERVING_PORT.
  const specification = protocol.portSpecification ?? (protocol.port !== undefined ? 'USE_FIXED_PORT' : protocol.portName !== undefined ? 'USE_NAMED_PORT' : 'USE_SERVING_PORT');
  const implied = protocol.port !== undefined ? `port ${protocol.port} is set, and port takes precedence over portName` : protocol.portName !== undefined ? `portName ${protocol.portName} is set without port` : 'neither port nor portName is set';
  check.portSpecification = { value: specification, origin: protocol.portSpecification ? `${where}.portSpecification` : `${from}: portSpecification not set, and ${implied}` };
  if (specification === 'USE_FIXED_PORT') {
    check.podPort = protocol.port;
    // Compute's HealthCheck: port "Must be specified if ... port_specification is USE_FIXED_PORT".
    if (protocol.port === undefined) check.unusablePort = { why: `${where} sets USE_FIXED_PORT without a port` };
  } else if (specification === 'USE_NAMED_PORT') {
    // A named port is an instance group's (healthcheck_types.go portName: "Port name as defined in
    // InstanceGroup#NamedPort#name"); a Gateway's backends are GCE_VM_IP_PORT NEGs, whose endpoints carry a port
    // number and no names, and Compute's health check reference lists USE_NAMED_PORT as "Not supported"
    // (https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks, portSpecification). A Kubernetes
    // container port name is not an instance group's named port.
    check.podPort = undefined;
    check.unusablePort = { why: `${where} ${protocol.portSpecification ? `sets USE_NAMED_PORT${protocol.portName !== undefined ? ` (portName ${protocol.portName})` : ''}` : `sets portName ${protocol.portName ?? '?'} without port, which means USE_NAMED_PORT`}`, ...(protocol.portName !== undefined ? { portName: protocol.portName } : {}) };
  }
  return check;
}

/** The request the load balancer sends to an endpoint, from the inferred health check. */
export interface LoadBalancerRequest {
  type: string;
  requestPath: string;
  podPort: number | undefined;
  /** `the serving port 8080`, `port 9000`, `a port named http (USE_NAMED_PORT)`. */
  portText: string;
  /** `HTTP GET / on the serving port 8080`, `TCP on port 9000`. */
  text: string;
}

export function loadBalancerRequest(inferred: GatewayHealthCheck): LoadBalancerRequest {
  const port = inferred.podPort;
  const portText =
    inferred.portSpecification.value === 'USE_SERVING_PORT'
      ? `the serving port${port !== undefined ? ` ${port}` : ''}`
      : port !== undefined
        ? `port ${port}`
        : inferred.unusablePort?.portName !== undefined
          ? `a port named ${inferred.unusablePort.portName} (${inferred.portSpecification.value})`
          : `no port (${inferred.portSpecification.value})`;
  const pathless = inferred.type.value === 'TCP' || inferred.type.value === 'GRPC';
  return {
    type: inferred.type.value,
    requestPath: inferred.requestPath.value,
    podPort: port,
    portText,
    text: pathless ? `${inferred.type.value} on ${portText}` : `${inferred.type.value} GET ${shownPath(inferred.requestPath.value)} on ${portText}`,
  };
}

/** What the serving container's httpGet readinessProbe sends, in the load balancer's terms; undefined without one. */
export function readinessRequest(serving: ServingContainer | undefined): { type: string; requestPath: string; port: number | undefined } | undefined {
  const httpGet = serving?.container.readinessProbe?.httpGet;
  if (!httpGet || !serving) return undefined;
  return { type: httpGet.scheme ?? 'HTTP', requestPath: healthCheckRequestPath(httpGet.path), port: probePortNumber(httpGet.port, serving.container) };
}

/** How the load balancer's request differs from the probe's: protocol, path, and port when both are known. */
export function requestDifferences(request: LoadBalancerRequest, probe: { type: string; requestPath: string; port?: number }): string[] {
  const found: string[] = [];
  if (request.type !== probe.type) found.push(`load balancer ${request.type}, probe ${probe.type}`);
  if (request.requestPath !== probe.requestPath) found.push(`load balancer path ${shownPath(request.requestPath)}, probe path ${shownPath(probe.requestPath)}`);
  if (request.podPort !== undefined && probe.port !== undefined && request.podPort !== probe.port) found.push(`load balancer port ${request.podPort}, probe port ${probe.port}`);
  return found;
}

/** A complete HealthCheckPolicy for one Service: YAML to apply, and the same object as a `kubernetes_manifest`. */
export function healthCheckPolicyManifest(service: Service, settings: { type: 'HTTP' | 'HTTPS' | 'HTTP2'; requestPath: string; port?: number }): { name: string; yaml: string; terraform: string } {
  const namespace = service.metadata?.namespace ?? 'default';
  const serviceName = service.metadata?.name ?? '?';
  const name = `${serviceName}-health-check`;
  const field = POLICY_PROTOCOL_FIELDS[settings.type];
  const protocol = { ...(settings.port !== undefined ? { portSpecification: 'USE_FIXED_PORT', port: settings.port } : { portSpecification: 'USE_SERVING_PORT' }), requestPath: shownPath(settings.requestPath) };
  const yaml = [
    ...manifestHead('networking.gke.io/v1', 'HealthCheckPolicy', name, namespace),
    '  default:',
    '    config:',
    `      type: ${settings.type}`,
    `      ${field}:`,
    ...Object.entries(protocol).map(([key, value]) => `        ${key}: ${value}`),
    '  targetRef:',
    '    group: ""',
    '    kind: Service',
    `    name: ${serviceName}`,
  ].join('\n');
  const hcl = (value: string | number) => (typeof value === 'number' ? String(value) : JSON.stringify(value));
  const terraform = [
    `resource "kubernetes_manifest" "${name.replace(/[^A-Za-z0-9_-]/g, '_')}" {`,
    '  manifest = {',
    '    apiVersion = "networking.gke.io/v1"',
    '    kind       = "HealthCheckPolicy"',
    '    metadata = {',
    `      name      = ${hcl(name)}`,
    `      namespace = ${hcl(namespace)}`,
    '    }',
    '    spec = {',
    '      default = {',
    '        config = {',
    `          type = ${hcl(settings.type)}`,
    `          ${field} = {`,
    ...Object.entries(protocol).map(([key, value]) => `            ${key} = ${hcl(value)}`),
    '          }',
    '        }',
    '      }',
    '      targetRef = {',
    '        group = ""',
    '        kind  = "Service"',
    `        name  = ${hcl(serviceName)}`,
    '      }',
    '    }',
    '  }',
    '}',
  ].join('\n');
  return { name, yaml, terraform };
}
