import { addToList } from '../../list-map.js';

/**
 * Items indexed once by namespace and by each `key=value` label, so matching a
 * Service selector costs the smallest label bucket, not every object.
 */
export class LabelIndex<T> {
  private readonly byNamespace = new Map<string, T[]>();
  private readonly byLabel = new Map<string, T[]>();

  constructor(
    items: Iterable<T>,
    namespaceOf: (item: T) => string | undefined,
    private readonly labelsOf: (item: T) => Record<string, string> | undefined,
  ) {
    for (const item of items) {
      const namespace = namespaceOf(item) ?? '';
      addToList(this.byNamespace, namespace, item);
      for (const [key, value] of Object.entries(labelsOf(item) ?? {})) addToList(this.byLabel, labelKey(namespace, key, value), item);
    }
  }

  /**
   * Items in `namespace` whose labels include every pair of `selector`. An
   * empty selector selects everything, as labels.SelectorFromSet does (that is
   * what ingress-gce's getHTTPProbe lists Pods with).
   */
  select(namespace: string, selector: Record<string, string> | undefined): T[] {
    const wanted = selector ?? {};
    const pairs = Object.entries(wanted);
    if (pairs.length === 0) return [...(this.byNamespace.get(namespace) ?? [])];
    let smallest: T[] | undefined;
    for (const [key, value] of pairs) {
      const bucket = this.byLabel.get(labelKey(namespace, key, value)) ?? [];
      if (!smallest || bucket.length < smallest.length) smallest = bucket;
    }
    return (smallest ?? []).filter((item) => matchesSelector(this.labelsOf(item), wanted));
  }
}

/** Whether `labels` include every pair of `selector` (an equality-based label selector, as a Service's `spec.selector`). */
export function matchesSelector(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}
