import { kubernetesResourceName } from '../../state/cluster-state.js';
import type { Ingress } from '../../state/kubernetes-types.js';
import { editIngressCommand } from './ingress-fixes.js';
import type { Verdict } from '../verdict.js';

/** The ingress-config messages the rules on an Ingress's host rules are told and fixed with. */
export type IngressRuleMessageId = 'ruleWithoutHttp' | 'duplicateHost' | 'fixEditIngress';

/**
 * Rules without http, which the controller skips, and several rules for one host, of which it
 * keeps only the last one's paths (check-gke-ingress CheckIngressRule, CheckRuleHostOverwrite).
 */
export function ingressRuleVerdicts(ingress: Ingress): Verdict<IngressRuleMessageId>[] {
  const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
  const verdict = (messageId: IngressRuleMessageId, severity: 'warning' | 'error', data: Record<string, string>, what: string): Verdict<IngressRuleMessageId> => ({
    messageId,
    severity,
    data,
    resource,
    evidence: data,
    fix: { summary: 'fixEditIngress', summaryData: { what }, commands: [editIngressCommand(ingress)] },
  });
  const verdicts: Verdict<IngressRuleMessageId>[] = [];
  const byHost = new Map<string, number[]>();
  (ingress.spec?.rules ?? []).forEach((rule, index) => {
    if (!rule.http) verdicts.push(verdict('ruleWithoutHttp', 'warning', { field: `spec.rules[${index}]`, host: rule.host ?? '' }, `give spec.rules[${index}] http.paths, or remove it`));
    byHost.set(rule.host ?? '', [...(byHost.get(rule.host ?? '') ?? []), index]);
  });
  for (const [host, indexes] of byHost) {
    if (indexes.length < 2) continue;
    verdicts.push(verdict('duplicateHost', 'error', { rules: indexes.map((index) => `spec.rules[${index}]`).join(', '), host }, `merge the paths of the rules for host "${host}" into one rule`));
  }
  return verdicts;
}
