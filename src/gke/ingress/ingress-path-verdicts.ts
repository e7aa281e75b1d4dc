import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress } from '../../state/kubernetes-types.js';
import { editIngressCommand } from './ingress-fixes.js';
import type { Verdict } from '../verdict.js';

/** The ingress-config messages a path the translator refuses is told and fixed with. */
export type IngressPathMessageId = 'pathInvalid' | 'fixPathWildcard' | 'fixEditIngress';

/**
 * The error ingress-gce's translator gives a path, or undefined when it accepts it: mirrors
 * kubernetes/ingress-gce pkg/translator/translator.go validateAndGetPaths, validateExactPathType and
 * validateAndModifyPrefixPathType (the same error texts). pathType defaults to ImplementationSpecific,
 * which is not validated; Exact and Prefix refuse an empty path and any `*` (Prefix `/` alone is allowed).
 */
export function translatorPathError(path: string | undefined, pathType: string | undefined): string | undefined {
  const type = pathType ?? 'ImplementationSpecific';
  const value = path ?? '';
  if (type === 'ImplementationSpecific') return undefined;
  if (type === 'Exact') {
    if (value === '') return 'failed to validate exact path type due to empty path';
    return value.includes('*') ? `failed to validate exact path ${value} due to invalid wildcard` : undefined;
  }
  if (type === 'Prefix') {
    if (value === '') return 'failed to validate prefix path type due to empty path';
    if (value === '/') return undefined;
    return value.includes('*') ? `failed to validate prefix path ${value} due to invalid wildcard` : undefined;
  }
  return `unsupported path type: ${type}`;
}

/**
 * Every path the translator refuses. TranslateIngress collects these errors and the controller then
 * refuses the whole Ingress ("Translation failed: invalid ingress spec: …"): no rule gets a load balancer.
 */
export function ingressPathVerdicts(ingress: Ingress): Verdict<IngressPathMessageId>[] {
  const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
  const verdicts: Verdict<IngressPathMessageId>[] = [];
  (ingress.spec?.rules ?? []).forEach((rule, ruleIndex) => {
    (rule.http?.paths ?? []).forEach((entry, pathIndex) => {
      const error = translatorPathError(entry.path, entry.pathType);
      if (!error) return;
      const field = `spec.rules[${ruleIndex}].http.paths[${pathIndex}]`;
      const wildcard = (entry.path ?? '').includes('*');
      verdicts.push({
        messageId: 'pathInvalid',
        severity: 'error',
        data: { field, error },
        resource,
        evidence: { field, path: entry.path ?? null, pathType: entry.pathType ?? null },
        fix: wildcard
          ? { summary: 'fixPathWildcard', summaryData: { field, path: entry.path ?? '', pathType: entry.pathType ?? '' }, commands: [editIngressCommand(ingress)] }
          : { summary: 'fixEditIngress', summaryData: { what: `give ${field} a path, or pathType ImplementationSpecific` }, commands: [editIngressCommand(ingress)] },
      });
    });
  });
  return verdicts;
}
