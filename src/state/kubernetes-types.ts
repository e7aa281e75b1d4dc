import type {
  CoreV1Event,
  EventsV1Event,
  KubernetesObject,
  V1APIService,
  V1ConfigMap,
  V1Container,
  V1CustomResourceDefinition,
  V1DaemonSet,
  V1Deployment,
  V1Ingress,
  V1IngressClass,
  V1MutatingWebhookConfiguration,
  V1Namespace,
  V1NetworkPolicy,
  V1Pod,
  V1PodSpec,
  V1ReplicaSet,
  V1Service,
  V1ServicePort,
  V1StatefulSet,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import type { KubernetesKind } from '../plugin-api.js';

/** The kinds checks can ask for by name: one definition, in the plugin API (src/plugin-api.ts). */
export type { KubernetesKind };

/**
 * The JSON shape of a client-node model: what kubectl prints and the API server
 * sends. client-node's classes turn timestamps into Date; on the wire (and in a
 * snapshot) they are RFC 3339 strings.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type KubeObject = Wire<KubernetesObject> & { kind: string; apiVersion: string; [field: string]: unknown };
export type Namespace = Wire<V1Namespace>;
type WireNetworkPolicySpec = NonNullable<Wire<V1NetworkPolicy>['spec']>;
type WireIngressRule = NonNullable<WireNetworkPolicySpec['ingress']>[number];
/** networking.k8s.io/v1 NetworkPolicy as the API sends it: client-node's model calls an ingress rule's `from` `_from`. */
export type NetworkPolicy = Omit<Wire<V1NetworkPolicy>, 'spec'> & {
  spec?: Omit<WireNetworkPolicySpec, 'ingress'> & { ingress?: (Omit<WireIngressRule, '_from'> & { from?: WireIngressRule['_from'] })[] };
};
export type Pod = Wire<V1Pod>;
export type Service = Wire<V1Service>;
export type Ingress = Wire<V1Ingress>;
export type IngressClass = Wire<V1IngressClass>;
export type Deployment = Wire<V1Deployment>;
export type StatefulSet = Wire<V1StatefulSet>;
export type DaemonSet = Wire<V1DaemonSet>;
export type ReplicaSet = Wire<V1ReplicaSet>;
export type ApiService = Wire<V1APIService>;
export type ConfigMap = Wire<V1ConfigMap>;
/** An Event as core v1 serves it (`involvedObject`, `message`) or as events.k8s.io/v1 does (`regarding`, `note`): both are kind Event. */
export type Event = (Wire<CoreV1Event> | Wire<EventsV1Event>) & { kind: 'Event' | string; apiVersion: string };

/** networking.gke.io/v1 ManagedCertificate (GoogleCloudPlatform/gke-managed-certs pkg/apis/networking.gke.io/v1/types.go). */
export interface ManagedCertificate extends KubeObject {
  spec?: { domains?: string[] };
  status?: { certificateStatus?: string; domainStatus?: { domain: string; status: string }[]; certificateName?: string; expireTime?: string };
}
export type PodSpec = Wire<V1PodSpec>;
export type Container = Wire<V1Container>;
export type ServicePort = Wire<V1ServicePort>;
export type CustomResourceDefinition = Wire<V1CustomResourceDefinition>;
export type ValidatingWebhookConfiguration = Wire<V1ValidatingWebhookConfiguration>;
export type MutatingWebhookConfiguration = Wire<V1MutatingWebhookConfiguration>;

/** cloud.google.com/v1 BackendConfig (GKE CRD): only the fields gke-doctor reads. */
export interface BackendConfig extends KubeObject {
  spec?: {
    healthCheck?: {
      checkIntervalSec?: number;
      timeoutSec?: number;
      healthyThreshold?: number;
      unhealthyThreshold?: number;
      type?: string;
      requestPath?: string;
      port?: number;
    };
    [field: string]: unknown;
  };
}

/** networking.gke.io/v1beta1 FrontendConfig (GKE CRD). */
export interface FrontendConfig extends KubeObject {
  spec?: Record<string, unknown>;
}

/** networking.gke.io/v1beta1 ServiceNetworkEndpointGroup (GKE CRD). */
export interface ServiceNetworkEndpointGroup extends KubeObject {
  status?: { networkEndpointGroups?: { selfLink?: string; id?: string }[]; conditions?: unknown[] };
}

/** metav1.Condition, as Gateway API objects and GKE's policies report their state. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** Gateway API ParentReference / BackendRef / PolicyTargetReference: the fields shared by references (kubernetes-sigs/gateway-api apis/v1/shared_types.go). */
export interface GatewayObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

/** gateway.networking.k8s.io GatewayClass (apis/v1/gatewayclass_types.go). */
export interface GatewayClass extends KubeObject {
  spec?: { controllerName?: string; parametersRef?: GatewayObjectReference; description?: string };
  status?: { conditions?: Condition[] };
}

/** gateway.networking.k8s.io Gateway (apis/v1/gateway_types.go). */
export interface Gateway extends KubeObject {
  spec?: {
    gatewayClassName?: string;
    listeners?: { name: string; hostname?: string; port: number; protocol: string; tls?: unknown; allowedRoutes?: unknown }[];
    addresses?: { type?: string; value: string }[];
  };
  status?: {
    addresses?: { type?: string; value: string }[];
    conditions?: Condition[];
    listeners?: { name: string; attachedRoutes?: number; conditions?: Condition[]; supportedKinds?: { group?: string; kind: string }[] }[];
  };
}

/** RouteStatus (apis/v1/shared_types.go): one entry per parent the route attaches to. */
export interface RouteStatus {
  parents?: { parentRef: GatewayObjectReference; controllerName?: string; conditions?: Condition[] }[];
}

/** gateway.networking.k8s.io HTTPRoute (apis/v1/httproute_types.go), and GRPCRoute, whose rules have the same backendRefs. */
export interface Route extends KubeObject {
  spec?: {
    parentRefs?: GatewayObjectReference[];
    hostnames?: string[];
    rules?: { name?: string; matches?: unknown[]; filters?: unknown[]; backendRefs?: (GatewayObjectReference & { weight?: number })[] }[];
  };
  status?: RouteStatus;
}

/** gateway.networking.k8s.io ReferenceGrant (apis/v1/referencegrant_types.go). */
export interface ReferenceGrant extends KubeObject {
  spec?: { from?: { group: string; kind: string; namespace: string }[]; to?: { group: string; kind: string; name?: string }[] };
}

/** Common and HTTP fields of a networking.gke.io/v1 HealthCheckPolicy per-protocol config (GoogleCloudPlatform/gke-gateway-api apis/networking/v1/healthcheck_types.go). */
export interface PolicyProtocolHealthCheck {
  portSpecification?: 'USE_FIXED_PORT' | 'USE_NAMED_PORT' | 'USE_SERVING_PORT' | string;
  port?: number;
  portName?: string;
  host?: string;
  requestPath?: string;
  proxyHeader?: string;
  response?: string;
  request?: string;
  grpcServiceName?: string;
}

/** networking.gke.io/v1 HealthCheckPolicy. */
export interface HealthCheckPolicy extends KubeObject {
  spec?: {
    targetRef?: GatewayObjectReference;
    default?: {
      checkIntervalSec?: number;
      timeoutSec?: number;
      healthyThreshold?: number;
      unhealthyThreshold?: number;
      config?: {
        type?: 'TCP' | 'HTTP' | 'HTTPS' | 'HTTP2' | 'GRPC' | string;
        tcpHealthCheck?: PolicyProtocolHealthCheck;
        httpHealthCheck?: PolicyProtocolHealthCheck;
        httpsHealthCheck?: PolicyProtocolHealthCheck;
        http2HealthCheck?: PolicyProtocolHealthCheck;
        grpcHealthCheck?: PolicyProtocolHealthCheck;
      };
      logConfig?: { enabled?: boolean };
    };
  };
  status?: { conditions?: Condition[] };
}

/** networking.gke.io/v1 GCPBackendPolicy (apis/networking/v1/gcpbackendpolicy_types.go). */
export interface GcpBackendPolicy extends KubeObject {
  spec?: { targetRef?: GatewayObjectReference; default?: Record<string, unknown> };
  status?: { conditions?: Condition[] };
}

/** networking.gke.io/v1 GCPGatewayPolicy (apis/networking/v1/gcpgatewaypolicy_types.go). */
export interface GcpGatewayPolicy extends KubeObject {
  spec?: { targetRef?: GatewayObjectReference; default?: Record<string, unknown> };
  status?: { conditions?: Condition[] };
}

/** The type each kind has; KindTypes keeps exactly the kinds of KubernetesKind, and fails to compile when one has no type here. */
interface TypeOfKind {
  Namespace: Namespace;
  Pod: Pod;
  Service: Service;
  Ingress: Ingress;
  IngressClass: IngressClass;
  Deployment: Deployment;
  StatefulSet: StatefulSet;
  DaemonSet: DaemonSet;
  ReplicaSet: ReplicaSet;
  APIService: ApiService;
  ConfigMap: ConfigMap;
  BackendConfig: BackendConfig;
  FrontendConfig: FrontendConfig;
  ServiceNetworkEndpointGroup: ServiceNetworkEndpointGroup;
  GatewayClass: GatewayClass;
  Gateway: Gateway;
  HTTPRoute: Route;
  GRPCRoute: Route;
  ReferenceGrant: ReferenceGrant;
  HealthCheckPolicy: HealthCheckPolicy;
  GCPBackendPolicy: GcpBackendPolicy;
  GCPGatewayPolicy: GcpGatewayPolicy;
  NetworkPolicy: NetworkPolicy;
  CustomResourceDefinition: CustomResourceDefinition;
  ValidatingWebhookConfiguration: ValidatingWebhookConfiguration;
  MutatingWebhookConfiguration: MutatingWebhookConfiguration;
  Event: Event;
  ManagedCertificate: ManagedCertificate;
}

/** The kinds checks can ask for by name, and the type each one has. */
export type KindTypes = { [Kind in KubernetesKind]: TypeOfKind[Kind] };

/** Every kind, once (a record, so the compiler refuses a kind left out or unknown), in the order snapshots list them. */
const EVERY_KIND: Record<KubernetesKind, true> = {
  Namespace: true,
  Pod: true,
  Service: true,
  Ingress: true,
  IngressClass: true,
  Deployment: true,
  StatefulSet: true,
  DaemonSet: true,
  ReplicaSet: true,
  APIService: true,
  ConfigMap: true,
  BackendConfig: true,
  FrontendConfig: true,
  ServiceNetworkEndpointGroup: true,
  GatewayClass: true,
  Gateway: true,
  HTTPRoute: true,
  GRPCRoute: true,
  ReferenceGrant: true,
  HealthCheckPolicy: true,
  GCPBackendPolicy: true,
  GCPGatewayPolicy: true,
  NetworkPolicy: true,
  CustomResourceDefinition: true,
  ValidatingWebhookConfiguration: true,
  MutatingWebhookConfiguration: true,
  Event: true,
  ManagedCertificate: true,
};
export const KUBERNETES_KINDS = Object.keys(EVERY_KIND) as readonly KubernetesKind[];
