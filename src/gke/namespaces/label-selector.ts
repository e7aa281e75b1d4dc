import type { V1LabelSelector } from '@kubernetes/client-node';
import type { Wire } from '../../state/kubernetes-types.js';

export type LabelSelector = Wire<V1LabelSelector>;

/**
 * Whether `labels` match a metav1.LabelSelector, as k8s.io/apimachinery
 * pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector builds it: every matchLabels pair,
 * and every expression (In: the key has one of the values; NotIn: it is absent or has none
 * of them; Exists; DoesNotExist). An absent or empty selector matches everything. An
 * operator it does not define makes the selector invalid: undefined (not decided).
 */
export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: LabelSelector | undefined): boolean | undefined {
  const set = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (set[key] !== value) return false;
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(set, key);
    switch (operator) {
      case 'In':
        if (!has || !values.includes(set[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(set[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return undefined;
    }
  }
  return true;
}
