import { isRecord } from '../files/kubernetes-documents.js';
import type { KubeObject } from '../kubernetes-types.js';

/**
 * hashicorp/kubernetes resources and the object each one declares. The provider
 * writes objects as HCL blocks (`metadata { }`, `spec { container { } }`); the
 * rest of its types (kubernetes_manifest aside) are not read.
 */
export const KUBERNETES_RESOURCE_KINDS: Record<string, { apiVersion: string; kind: string }> = {
  kubernetes_namespace: { apiVersion: 'v1', kind: 'Namespace' },
  kubernetes_namespace_v1: { apiVersion: 'v1', kind: 'Namespace' },
  kubernetes_service: { apiVersion: 'v1', kind: 'Service' },
  kubernetes_service_v1: { apiVersion: 'v1', kind: 'Service' },
  kubernetes_config_map: { apiVersion: 'v1', kind: 'ConfigMap' },
  kubernetes_config_map_v1: { apiVersion: 'v1', kind: 'ConfigMap' },
  kubernetes_deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  kubernetes_deployment_v1: { apiVersion: 'apps/v1', kind: 'Deployment' },
  kubernetes_stateful_set: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  kubernetes_stateful_set_v1: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  kubernetes_daemonset: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  kubernetes_daemon_set_v1: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  kubernetes_ingress_v1: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
};

/** Blocks that repeat (a list in the API), with the API's plural name. */
const REPEATED_BLOCKS: Record<string, string> = {
  container: 'containers',
  init_container: 'initContainers',
  port: 'ports',
  env: 'env',
  env_from: 'envFrom',
  volume: 'volumes',
  volume_mount: 'volumeMounts',
  toleration: 'tolerations',
  rule: 'rules',
  path: 'paths',
  tls: 'tls',
  http_header: 'httpHeaders',
  image_pull_secrets: 'imagePullSecrets',
};

/** Attributes that are maps: their keys (label names, annotation names) stay as written. */
const MAP_ATTRIBUTES = new Set(['labels', 'annotations', 'selector', 'match_labels', 'data', 'binary_data', 'node_selector']);

/** Attributes the provider types as strings that the API has as numbers when they are digits. */
const INT_OR_STRING = new Set(['target_port', 'port', 'replicas']);

/** The object a kubernetes_* resource declares, from its planned `metadata` and `spec` (or `data`). */
export function kubernetesObjectFromResource(type: string, values: Record<string, unknown>): KubeObject | undefined {
  const kind = KUBERNETES_RESOURCE_KINDS[type];
  if (!kind) return undefined;
  const object: Record<string, unknown> = { ...kind };
  for (const key of ['metadata', 'spec', 'data']) {
    const converted = convert(key, values[key], '');
    if (converted !== undefined) object[key] = converted;
  }
  return object as KubeObject;
}

/** `spec.0.template.0.spec.0.container.1.image` -> `spec.template.spec.containers[1].image`. */
export function kubernetesFieldPath(terraformPath: string): string {
  const out: string[] = [];
  const segments = terraformPath.split('.');
  segments.forEach((segment, index) => {
    if (/^\d+$/.test(segment)) {
      const block = segments[index - 1] ?? '';
      if (block in REPEATED_BLOCKS && out.length > 0) out[out.length - 1] += `[${segment}]`;
      return;
    }
    out.push(REPEATED_BLOCKS[segment] ?? camel(segment));
  });
  return out.join('.');
}

function convert(key: string, value: unknown, parent: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (MAP_ATTRIBUTES.has(key) && isRecord(value)) return Object.keys(value).length > 0 ? value : undefined;
  if (Array.isArray(value) && value.every(isRecord)) {
    if (value.length === 0) return undefined;
    const items = value.map((item) => convertBlock(item, key));
    // An Ingress backend names one Service port: `backend { service { port { number } } }`.
    const repeated = key in REPEATED_BLOCKS && !(key === 'port' && parent === 'service');
    return repeated ? items : items[0];
  }
  if (INT_OR_STRING.has(key) && typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return value;
}

function convertBlock(block: Record<string, unknown>, blockKey: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    const converted = convert(key, value, blockKey);
    if (converted === undefined || (Array.isArray(converted) && converted.length === 0)) continue;
    const name = Array.isArray(value) && value.every(isRecord) && key in REPEATED_BLOCKS ? REPEATED_BLOCKS[key]! : camel(key);
    out[key === 'port' && blockKey === 'service' ? 'port' : name] = converted;
  }
  return out;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
