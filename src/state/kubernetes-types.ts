import type {
  KubernetesObject,
  V1APIService,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Ingress,
  V1IngressClass,
  V1Namespace,
  V1Pod,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';

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

/** The kinds checks can ask for by name, and the type each one has. */
export interface KindTypes {
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
}

export type KubernetesKind = keyof KindTypes;

export const KUBERNETES_KINDS: readonly KubernetesKind[] = [
  'Namespace',
  'Pod',
  'Service',
  'Ingress',
  'IngressClass',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'APIService',
  'ConfigMap',
  'BackendConfig',
  'FrontendConfig',
  'ServiceNetworkEndpointGroup',
];
