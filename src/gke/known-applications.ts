import type { ClusterState } from '../state/cluster-state.js';
import type { Container, PodSource } from './ingress-backends.js';

/** What a known application answers to the load balancer's plain-HTTP health check, as it is configured. */
export interface PlainHttpAnswer {
  /** `unknown` when the setting lives in data that was not read. */
  redirects: boolean | 'unknown';
  /** The status it answers with when it redirects. */
  status: number;
  /** The settings that decide it, for the message. */
  why: string;
  /** The application setting that makes it answer 200, as commands. */
  fix: { summary: string; commands: string[] };
}

/** An application known to answer plain HTTP with a redirect unless told otherwise. */
export interface RedirectingApplication {
  name: string;
  references: string[];
  matches(container: Container): boolean;
  plainHttpAnswer(source: PodSource, container: Container, containerIndex: number, state: ClusterState): PlainHttpAnswer;
}

/**
 * argocd-server serves TLS on its port and answers plain HTTP with a 307 to
 * https:// (argoproj/argo-cd server/server.go newRedirectServer) unless run with
 * `--insecure`, whose default is env ARGOCD_SERVER_INSECURE, which the stock
 * manifests read from `server.insecure` in ConfigMap argocd-cmd-params-cm
 * (manifests/base/server/argocd-server-deployment.yaml).
 */
const argocdServer: RedirectingApplication = {
  name: 'argocd-server',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/ingress/#google-cloud-load-balancers-with-kubernetes-ingress',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/argocd-cmd-params-cm-yaml/',
  ],
  matches(container) {
    const words = [...(container.command ?? []), ...(container.args ?? [])];
    return /argocd/.test(container.image ?? '') && (container.name === 'argocd-server' || words.some((word) => word.endsWith('argocd-server')));
  },
  plainHttpAnswer(source, container, containerIndex, state) {
    const namespace = source.owner?.namespace ?? source.pod?.metadata?.namespace ?? 'default';
    const setting = insecureSetting(container, namespace, state);
    const answer = (redirects: boolean | 'unknown', why: string): PlainHttpAnswer => ({
      redirects,
      status: 307,
      why,
      fix: insecureFix(container, containerIndex, namespace, source, state),
    });
    if (setting.flag !== undefined) return answer(!setting.flag, `it runs with ${setting.flagText}`);
    if (setting.env === 'unknown') return answer('unknown', `whether ARGOCD_SERVER_INSECURE is true depends on ${setting.envText}, which could not be read`);
    if (setting.env === true) return answer(false, setting.envText);
    return answer(true, `it runs without --insecure, and ${setting.envText}`);
  },
};

/** Applications checked by `ingress-health-check`; add one here to teach the doctor another. */
export const REDIRECTING_APPLICATIONS: readonly RedirectingApplication[] = [argocdServer];

interface InsecureSetting {
  flag?: boolean;
  flagText?: string;
  env: boolean | 'unknown';
  envText: string;
}

const INSECURE_ENV = 'ARGOCD_SERVER_INSECURE';

function insecureSetting(container: Container, namespace: string, state: ClusterState): InsecureSetting {
  let flag: boolean | undefined;
  let flagText: string | undefined;
  for (const word of [...(container.command ?? []), ...(container.args ?? [])]) {
    const match = /^--?insecure(?:=(.*))?$/.exec(word);
    if (match) {
      flag = match[1] === undefined ? true : parseGoBool(match[1]) === true;
      flagText = word;
    }
  }
  // `env` wins over `envFrom`, and the last entry of `env` wins.
  const envVar = [...(container.env ?? [])].reverse().find((variable) => variable.name === INSECURE_ENV);
  if (envVar?.value !== undefined) return { flag, flagText, env: parseGoBool(envVar.value) === true, envText: `its env sets ${INSECURE_ENV}=${envVar.value}` };
  const reference = envVar?.valueFrom?.configMapKeyRef;
  if (reference) {
    const where = `key ${reference.key} of ConfigMap ${namespace}/${reference.name}`;
    const configMap = state.kubernetes.get('ConfigMap', namespace, reference.name ?? '');
    if (!configMap && state.unavailable.has('ConfigMap')) return { flag, flagText, env: 'unknown', envText: where };
    const value = configMap?.data?.[reference.key];
    const envText = `${INSECURE_ENV} comes from ${where}, which ${value === undefined ? 'is not set' : `is "${value}"`}`;
    return { flag, flagText, env: value !== undefined && parseGoBool(value) === true, envText };
  }
  for (const source of [...(container.envFrom ?? [])].reverse()) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const configMap = state.kubernetes.get('ConfigMap', namespace, name);
    const value = configMap?.data?.[`${source.prefix ?? ''}${INSECURE_ENV}`];
    if (value !== undefined) return { flag, flagText, env: parseGoBool(value) === true, envText: `${INSECURE_ENV} is "${value}" in ConfigMap ${namespace}/${name}` };
  }
  return { flag, flagText, env: false, envText: `${INSECURE_ENV} is not set` };
}

function insecureFix(container: Container, containerIndex: number, namespace: string, source: PodSource, state: ClusterState): PlainHttpAnswer['fix'] {
  const owner = source.owner;
  const workload = owner ? `${owner.kind.toLowerCase()}/${owner.name}` : 'deployment/argocd-server';
  const reference = (container.env ?? []).find((variable) => variable.name === INSECURE_ENV)?.valueFrom?.configMapKeyRef;
  if (reference?.name) {
    const exists = state.kubernetes.get('ConfigMap', namespace, reference.name) !== undefined;
    const data = JSON.stringify({ data: { [reference.key]: 'true' } });
    return {
      summary: `Turn off argocd-server's own TLS (the load balancer terminates TLS, and then answers HTTP 200 on the health check): set ${reference.key}: "true" in ConfigMap ${reference.name}, then restart argocd-server so it reads it.`,
      commands: [
        exists
          ? `kubectl -n ${namespace} patch configmap ${reference.name} --type merge -p '${data}'`
          : `kubectl -n ${namespace} create configmap ${reference.name} --from-literal=${reference.key}=true`,
        `kubectl -n ${namespace} rollout restart ${workload}`,
      ],
    };
  }
  const list = container.args ? 'args' : 'command';
  return {
    summary: 'Turn off argocd-server\'s own TLS (the load balancer terminates TLS, and then answers HTTP 200 on the health check): add --insecure to its arguments.',
    commands: [
      `kubectl -n ${namespace} patch ${workload} --type json -p '${JSON.stringify([{ op: 'add', path: `/spec/template/spec/containers/${containerIndex}/${list}/-`, value: '--insecure' }])}'`,
    ],
  };
}

/** strconv.ParseBool, which Argo CD's env.ParseBoolFromEnv uses. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}
