import type { ClusterState } from '../../state/cluster-state.js';
import type { Container, PodSource } from './ingress-backends.js';

/** What a known application answers to the load balancer's plain-HTTP health check, as it is configured. */
export interface PlainHttpAnswer {
  /** `unknown` when the setting lives in data that was not read. */
  redirects: boolean | 'unknown';
  /** Whether it serves TLS on that port (what a load balancer speaking HTTPS to it needs); `unknown` when not known. */
  tls: boolean | 'unknown';
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
    // Without --insecure it serves TLS and redirects plain HTTP; with it, plain HTTP only (server.go useTLS).
    const answer = (redirects: boolean | 'unknown', why: string): PlainHttpAnswer => ({
      redirects,
      tls: redirects,
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

/** A known application running in the serving container, and how it answers plain HTTP as configured. */
export interface ApplicationAnswer {
  application: RedirectingApplication;
  answer: PlainHttpAnswer;
}

/** The known applications (built in, then `extra` from the user's config) the serving container runs, with their answers. */
export function applicationAnswers(
  serving: { source: PodSource; container: Container; containerIndex: number } | undefined,
  state: ClusterState,
  extra: readonly RedirectingApplication[] = [],
): ApplicationAnswer[] {
  if (!serving) return [];
  return [...REDIRECTING_APPLICATIONS, ...extra]
    .filter((application) => application.matches(serving.container))
    .map((application) => ({ application, answer: application.plainHttpAnswer(serving.source, serving.container, serving.containerIndex, state) }));
}

/**
 * Which protocols a fix may make the load balancer speak to the serving port, given what the
 * known applications there do: plain HTTP only where none redirects it (a 3xx is unhealthy,
 * ingress-gce #1768), HTTPS only where none is known to serve no TLS. Unknown apps allow both.
 */
export function protocolsTheApplicationAnswers(answers: readonly ApplicationAnswer[]): { plainHttp: boolean; https: boolean } {
  return {
    plainHttp: !answers.some(({ answer }) => answer.redirects === true),
    https: !answers.some(({ answer }) => answer.tls === false),
  };
}

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
  if (envVar?.value !== undefined) return { flag, flagText, ...envSetting(envVar.value, `its env sets ${INSECURE_ENV}=${envVar.value}`) };
  const reference = envVar?.valueFrom?.configMapKeyRef;
  if (reference) {
    const where = `key ${reference.key} of ConfigMap ${namespace}/${reference.name}`;
    const configMap = state.kubernetes.get('ConfigMap', namespace, reference.name ?? '');
    if (!configMap && state.unavailable.has('ConfigMap')) return { flag, flagText, env: 'unknown', envText: where };
    const value = configMap?.data?.[reference.key];
    if (value === undefined) return { flag, flagText, env: false, envText: `${INSECURE_ENV} comes from ${where}, which is not set` };
    return { flag, flagText, ...envSetting(value, `${INSECURE_ENV} comes from ${where}, which is "${value}"`) };
  }
  for (const source of [...(container.envFrom ?? [])].reverse()) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const configMap = state.kubernetes.get('ConfigMap', namespace, name);
    const value = configMap?.data?.[`${source.prefix ?? ''}${INSECURE_ENV}`];
    if (value !== undefined) return { flag, flagText, ...envSetting(value, `${INSECURE_ENV} is "${value}" in ConfigMap ${namespace}/${name}`) };
  }
  return { flag, flagText, env: false, envText: `${INSECURE_ENV} is not set` };
}

/** What argocd-server makes of an ARGOCD_SERVER_INSECURE value, said so when it is not one argo-cd reads. */
function envSetting(value: string, where: string): { env: boolean; envText: string } {
  const parsed = parseBoolFromEnv(value);
  if (parsed.read) return { env: parsed.value, envText: where };
  return {
    env: false,
    envText: `${where}, which argo-cd does not read as true: it reads only "true" or "false", in any case (util/env/env.go ParseBoolFromEnv), and takes anything else as the default, false`,
  };
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

/**
 * argo-cd util/env/env.go ParseBoolFromEnv, which the `--insecure` flag's default
 * (ARGOCD_SERVER_INSECURE, cmd/argocd-server/commands/argocd_server.go) goes through:
 * "true" or "false" compared with strings.EqualFold; anything else, and the empty
 * string, is the default (false). `read` says whether argo-cd took the value at all.
 */
export function parseBoolFromEnv(value: string): { value: boolean; read: boolean } {
  if (value.toLowerCase() === 'true') return { value: true, read: true };
  if (value.toLowerCase() === 'false') return { value: false, read: true };
  return { value: false, read: false };
}

/** strconv.ParseBool, which Go's flag package uses for `--insecure=VALUE` on the command line. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}
