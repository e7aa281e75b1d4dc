// A large GKE project and cluster for the live benchmark, deterministic, built
// from the seed fixtures' real objects (fixtures/seed-argocd-unhealthy: a GCE
// Ingress, its Service, a Pod with a readiness probe, the LB health check;
// fixtures/seed-eventarc-stuck-namespace: the project, IAM policy, cluster, a
// GKE Eventarc trigger and a Terminating namespace) cloned and renamed.
// At scale 1.0 (issue #12): 2,000 namespaces (20 Terminating), 20,000 Pods,
// 2,000 Services, 300 GCE Ingresses, 50 Eventarc triggers.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseKubernetesDocuments } from '../src/state/files/kubernetes-documents.js';
import type { KubeObject } from '../src/state/kubernetes-types.js';

export interface GeneratedCluster {
  scale: number;
  objects: KubeObject[];
  /** Snapshot files for the fake GCP server, by path (gcloud's shapes). */
  gcpFiles: Record<string, unknown>;
  target: { project: string; location: string; cluster: string };
  counts: Record<string, number>;
}

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

async function objectsOf(fixture: string, file: string): Promise<KubeObject[]> {
  const path = join(FIXTURES, fixture, 'k8s', file);
  return (await parseKubernetesDocuments(path, await readFile(path, 'utf8'))).map(({ object }) => object);
}

async function jsonOf<T>(fixture: string, file: string): Promise<T> {
  return JSON.parse(await readFile(join(FIXTURES, fixture, file), 'utf8')) as T;
}

/** A stable fake uid from a name, so runs are identical. */
function uid(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const c of name) {
    h1 = Math.imul(h1 ^ c.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c.charCodeAt(0), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function renamed<T>(template: T, from: string[], to: string[]): T {
  let text = JSON.stringify(template);
  from.forEach((value, index) => {
    text = text.split(value).join(to[index]!);
  });
  return JSON.parse(text) as T;
}

/**
 * `backendGroups`: the backend services the Ingresses name exist, each with that many NEGs (one per zone of a
 * regional cluster: 3), their health modelled on fixtures/ingress-backend-health-healthy; 0 (the default): none
 * exists, as in earlier rounds (BENCH_BACKEND_GROUPS in bench/live.ts).
 */
export async function generateCluster(scale: number, { backendGroups = 0 }: { backendGroups?: number } = {}): Promise<GeneratedCluster> {
  const [ingress] = await objectsOf('seed-argocd-unhealthy', 'ingresses.yaml');
  const [service] = await objectsOf('seed-argocd-unhealthy', 'services.yaml');
  const [pod] = await objectsOf('seed-argocd-unhealthy', 'pods.yaml');
  const namespaces = await objectsOf('seed-eventarc-stuck-namespace', 'namespaces.yaml');
  const activeNamespace = namespaces.find((namespace) => !namespace.metadata?.deletionTimestamp)!;
  const terminatingNamespace = namespaces.find((namespace) => namespace.metadata?.deletionTimestamp)!;
  const [healthCheck] = await jsonOf<Record<string, unknown>[]>('seed-argocd-unhealthy', 'compute/health-checks.json');
  const [trigger] = await jsonOf<Record<string, unknown>[]>('seed-eventarc-stuck-namespace', 'eventarc-triggers.json');
  const project = await jsonOf<Record<string, unknown>>('seed-eventarc-stuck-namespace', 'project.json');
  const cluster = await jsonOf<Record<string, unknown>>('seed-eventarc-stuck-namespace', 'cluster.json');
  const iamPolicy = await jsonOf<unknown>('seed-eventarc-stuck-namespace', 'iam-policy.json');

  const count = (full: number) => Math.max(1, Math.round(full * scale));
  const namespaceCount = count(2_000);
  const terminatingCount = count(20);
  const podsPerNamespace = Math.round(count(20_000) / namespaceCount);
  const ingressCount = count(300);
  const triggerCount = count(50);

  const objects: KubeObject[] = [];
  const healthChecks: Record<string, unknown>[] = [];
  const triggers: Record<string, unknown>[] = [];
  for (let n = 0; n < namespaceCount; n++) {
    const namespace = `team-${String(n).padStart(4, '0')}`;
    const app = `app-${String(n).padStart(4, '0')}`;
    const terminating = n < terminatingCount;
    const template = terminating ? terminatingNamespace : activeNamespace;
    objects.push(
      renamed(template, [template.metadata!.name!, template.metadata!.uid!], [namespace, uid(`ns/${namespace}`)]),
      renamed(service!, ['argocd-server', 'argocd', service!.metadata!.uid!], [app, namespace, uid(`svc/${namespace}`)]),
    );
    for (let p = 0; p < podsPerNamespace; p++) {
      const name = `${app}-6b8d4c7f59-${String(p).padStart(5, '0')}`;
      objects.push(renamed(pod!, [pod!.metadata!.name!, 'argocd-server', 'argocd', pod!.metadata!.uid!], [name, app, namespace, uid(`pod/${namespace}/${name}`)]));
    }
    if (n < ingressCount) {
      objects.push(renamed(ingress!, ['argocd-server', 'argocd', ingress!.metadata!.uid!], [app, namespace, uid(`ing/${namespace}`)]));
      healthChecks.push(renamed(healthCheck!, ['argocd-server', 'argocd', String(healthCheck!.id)], [app, namespace, String(100000000000 + n)]));
    }
    if (n < triggerCount) {
      const destination = trigger!.destination as { gke: Record<string, string> };
      triggers.push(
        renamed(trigger!, [String(trigger!.name), destination.gke.namespace!, destination.gke.service!, String(trigger!.uid)], [
          `projects/acme-jobs-prod/locations/asia-northeast1/triggers/${app}-push`,
          namespace,
          app,
          uid(`trigger/${app}`),
        ]),
      );
    }
  }
  const backendHealth = backendGroups > 0 ? await backendHealthOf(objects, backendGroups) : [];
  return {
    scale,
    objects,
    gcpFiles: {
      'project.json': project,
      'cluster.json': cluster,
      'iam-policy.json': iamPolicy,
      'eventarc-triggers.json': triggers,
      'compute/health-checks.json': healthChecks,
      ...(backendHealth.length > 0 ? { 'compute/backend-health.json': backendHealth } : {}),
    },
    target: { project: String(project.projectId), location: String(cluster.location), cluster: String(cluster.name) },
    counts: {
      namespaces: namespaceCount,
      terminating: terminatingCount,
      pods: podsPerNamespace * namespaceCount,
      services: namespaceCount,
      ingresses: ingressCount,
      triggers: triggerCount,
      healthChecks: healthChecks.length,
      ...(backendHealth.length > 0 ? { backendServices: backendHealth.length, backendGroups: backendHealth.length * backendGroups } : {}),
    },
  };
}

/** What get-health prints for each backend service the Ingresses' `ingress.kubernetes.io/backends` names: `groups` NEGs, one endpoint each. */
async function backendHealthOf(objects: KubeObject[], groups: number): Promise<{ backendService: string; health: { backend: string; status: unknown }[] }[]> {
  const [template] = await jsonOf<{ backendService: string; health: { backend: string; status: unknown }[] }[]>('ingress-backend-health-healthy', 'compute/backend-health.json');
  const names = new Set<string>();
  for (const object of objects) {
    const backends = object.kind === 'Ingress' ? object.metadata?.annotations?.['ingress.kubernetes.io/backends'] : undefined;
    for (const name of Object.keys(backends ? (JSON.parse(backends) as object) : {})) names.add(name);
  }
  return [...names].map((name) => ({
    backendService: name,
    health: Array.from({ length: groups }, (_, group) => {
      const zone = template!.health[group % template!.health.length]!;
      return renamed(zone, [template!.backendService, 'acme-platform'], [group < template!.health.length ? name : `${name}-${group}`, 'acme-jobs-prod']);
    }),
  }));
}
