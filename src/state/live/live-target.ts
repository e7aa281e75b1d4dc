import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../../errors.js';
import { firstLine } from '../../first-line.js';
import { inClusterServer } from './in-cluster.js';

/** The target flags of `check` and `snapshot`. */
export interface TargetOptions {
  project?: string;
  location?: string;
  cluster?: string;
  context?: string;
  kubeconfig?: string;
}

export interface LiveTarget {
  project: string | null;
  location: string | null;
  cluster: string | null;
  /**
   * The kubeconfig context to read the cluster through, and the kubeconfig files
   * that hold it; in a Pod with no kubeconfig, the Pod's own service account
   * (`inCluster`, no files); null when neither.
   */
  kubernetes: { files: string[]; context: string; server?: string; inCluster?: boolean } | null;
}

/** `gke_PROJECT_LOCATION_CLUSTER`: the context name `gcloud container clusters get-credentials` writes. */
const GKE_CONTEXT = /^gke_([^_]+)_([^_]+)_(.+)$/;

/**
 * Works out which project, location and cluster to read, the way gcloud and
 * kubectl would: flags first; then the kubeconfig context (`--context`, else
 * the current one), whose GKE name gives all three; the project also from
 * CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT or the active gcloud configuration.
 */
export function resolveLiveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): LiveTarget {
  const kubeconfig = readKubeconfig(options.kubeconfig, env);
  const wanted = options.project && options.location && options.cluster ? `gke_${options.project}_${options.location}_${options.cluster}` : undefined;
  let contextName = options.context;
  if (contextName && kubeconfig && !kubeconfig.contexts.has(contextName)) {
    throw new InputError(`--context ${contextName}: no such context in ${kubeconfig.files.join(', ')} (contexts: ${[...kubeconfig.contexts.keys()].join(', ') || 'none'})`);
  }
  if (contextName && !kubeconfig) throw new InputError(`--context ${contextName}: no kubeconfig found (${kubeconfigHint(options, env)})`);
  // Flags naming a cluster pick its get-credentials context over an unrelated current one.
  contextName ??= wanted && kubeconfig?.contexts.has(wanted) ? wanted : (kubeconfig?.currentContext ?? undefined);
  const fromContext = GKE_CONTEXT.exec(contextName ?? '');
  // GCP data from one cluster and Kubernetes objects from another would make every finding wrong.
  const clash = fromContext && (['project', 'location', 'cluster'] as const).find((flag, index) => options[flag] && options[flag] !== fromContext[index + 1]);
  if (clash) {
    throw new InputError(
      `--${clash} ${options[clash]} is not the cluster of kubeconfig context ${contextName}: pass --project, --location and --cluster of a cluster you have credentials for (gcloud container clusters get-credentials), or --context of its context`,
    );
  }
  const project = options.project ?? fromContext?.[1] ?? env.CLOUDSDK_CORE_PROJECT ?? env.GOOGLE_CLOUD_PROJECT ?? gcloudConfigProject(env) ?? null;
  const location = options.location ?? fromContext?.[2] ?? null;
  const cluster = options.cluster ?? fromContext?.[3] ?? null;
  const context = contextName && kubeconfig?.contexts.get(contextName);
  // In a Pod with no kubeconfig, as kubectl and client-node do: the Pod's service account.
  const inCluster = !kubeconfig && inClusterServer(env);
  const target: LiveTarget = {
    project,
    location,
    cluster,
    kubernetes: context
      ? { files: kubeconfig!.files, context: contextName!, server: kubeconfig?.servers.get(context.cluster ?? '') }
      : inCluster
        ? { files: [], context: 'in-cluster', server: inCluster, inCluster: true }
        : null,
  };
  if (!target.project && !target.kubernetes) {
    throw new InputError('no target: pass --project, --location and --cluster (or --context NAME of a kubeconfig context), --snapshot DIR, or --manifests / --terraform-plan for a preflight');
  }
  return target;
}

/** Project, location and cluster for reading the cluster from GKE, or the one line saying which flag is missing. */
export function requireCluster(target: LiveTarget): { project: string; location: string; cluster: string } {
  const missing = [!target.project && '--project', !target.location && '--location', !target.cluster && '--cluster'].filter(Boolean);
  if (missing.length === 0) return { project: target.project!, location: target.location!, cluster: target.cluster! };
  const why = target.kubernetes ? ` (kubeconfig context "${target.kubernetes.context}" is not named gke_PROJECT_LOCATION_CLUSTER)` : '';
  throw new InputError(`which GKE cluster? pass ${missing.join(' and ')}${why}`);
}

export function requireProject(target: LiveTarget): string {
  if (target.project) return target.project;
  throw new InputError('which project? pass --project (or set CLOUDSDK_CORE_PROJECT, or run `gcloud config set project PROJECT`)');
}

/** Why Kubernetes cannot be read: no kubeconfig, or none for this cluster. */
export function kubeconfigHint(target: Pick<LiveTarget, 'project' | 'location' | 'cluster'> | TargetOptions, env: NodeJS.ProcessEnv = process.env): string {
  const cluster = target.cluster ?? 'CLUSTER';
  const where = `--location ${target.location ?? 'LOCATION'}${target.project ? ` --project ${target.project}` : ''}`;
  const file = env.KUBECONFIG || join(homedir(), '.kube', 'config');
  return `no kubeconfig context for the cluster in ${file}: run \`gcloud container clusters get-credentials ${cluster} ${where}\`, or pass --kubeconfig / --context`;
}

interface Kubeconfig {
  files: string[];
  currentContext: string | null;
  contexts: Map<string, { cluster?: string; user?: string }>;
  servers: Map<string, string>;
}

/**
 * Reads the kubeconfig as kubectl does: `--kubeconfig`, else each KUBECONFIG file merged (first wins), else ~/.kube/config.
 * Only context names and servers, to decide the target: client-node reads it again, whole, for credentials. Its import
 * costs 0.5–0.8 s, and the Google requests are sent before it, so the target is not decided through it.
 */
function readKubeconfig(flag: string | undefined, env: NodeJS.ProcessEnv): Kubeconfig | null {
  if (flag && !existsSync(flag)) throw new InputError(`--kubeconfig ${flag}: no such file`);
  const candidates = flag ? [flag] : env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
  const files = candidates.filter((file) => existsSync(file));
  if (files.length === 0) return null;
  const merged: Kubeconfig = { files, currentContext: null, contexts: new Map(), servers: new Map() };
  for (const file of files) {
    let config: {
      'current-context'?: string;
      contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
      clusters?: { name: string; cluster?: { server?: string } }[];
    } | null;
    try {
      config = parse(readFileSync(file, 'utf8')) as typeof config;
    } catch (error) {
      throw new InputError(`${file}: not a kubeconfig: ${firstLine((error as Error).message)}`);
    }
    // An empty file is an empty kubeconfig, as kubectl takes it.
    if (config !== null && (typeof config !== 'object' || Array.isArray(config))) {
      throw new InputError(`${file}: not a kubeconfig: expected a mapping with contexts, clusters and users`);
    }
    for (const list of ['contexts', 'clusters'] as const) {
      if (config?.[list] != null && !Array.isArray(config[list])) throw new InputError(`${file}: not a kubeconfig: "${list}" must be a list`);
    }
    merged.currentContext ||= config?.['current-context'] || null;
    for (const { name, context } of config?.contexts ?? []) if (!merged.contexts.has(name)) merged.contexts.set(name, context ?? {});
    for (const { name, cluster } of config?.clusters ?? []) if (cluster?.server && !merged.servers.has(name)) merged.servers.set(name, cluster.server);
  }
  return merged;
}

/** `[core] project` of the active gcloud configuration (CLOUDSDK_CONFIG, CLOUDSDK_ACTIVE_CONFIG_NAME, `active_config`). */
function gcloudConfigProject(env: NodeJS.ProcessEnv): string | undefined {
  const directory = env.CLOUDSDK_CONFIG ?? (process.platform === 'win32' && env.APPDATA ? join(env.APPDATA, 'gcloud') : join(homedir(), '.config', 'gcloud'));
  const read = (file: string) => {
    try {
      return readFileSync(join(directory, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const active = env.CLOUDSDK_ACTIVE_CONFIG_NAME ?? read('active_config')?.trim() ?? 'default';
  const text = read(join('configurations', `config_${active}`));
  if (!text) return undefined;
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) section = header[1]!.trim();
    const entry = /^\s*project\s*=\s*(\S+)/.exec(line);
    if (section === 'core' && entry) return entry[1];
  }
  return undefined;
}
