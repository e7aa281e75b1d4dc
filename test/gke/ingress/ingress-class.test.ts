import { describe, expect, it } from 'vitest';
import { isGceIngress, requiresNegs } from '../../../src/gke/ingress/ingress-class.js';

describe('isGceIngress (ingress-gce pkg/utils/utils.go IsGCEIngress)', () => {
  it.each([
    { annotation: undefined, ingressClassName: undefined, gce: true },
    { annotation: '', ingressClassName: undefined, gce: true },
    { annotation: undefined, ingressClassName: 'gce', gce: false },
    { annotation: undefined, ingressClassName: 'nginx', gce: false },
    { annotation: 'gce', ingressClassName: undefined, gce: true },
    { annotation: 'gce', ingressClassName: 'nginx', gce: true },
    { annotation: 'gce-internal', ingressClassName: undefined, gce: true },
    { annotation: 'gce-regional-external', ingressClassName: undefined, gce: true },
    { annotation: 'gce-multi-cluster', ingressClassName: undefined, gce: false },
    { annotation: 'nginx', ingressClassName: undefined, gce: false },
  ])('annotation $annotation, ingressClassName $ingressClassName -> $gce', ({ annotation, ingressClassName, gce }) => {
    const annotations: Record<string, string> = annotation === undefined ? {} : { 'kubernetes.io/ingress.class': annotation };
    const ingress = { metadata: { name: 'x', annotations }, spec: ingressClassName ? { ingressClassName } : {} };
    expect(isGceIngress(ingress)).toBe(gce);
  });
});

describe('requiresNegs: internal and regional external Ingresses reach Pods only through NEGs', () => {
  it.each([
    { annotation: undefined, negs: false },
    { annotation: 'gce', negs: false },
    { annotation: 'gce-internal', negs: true },
    { annotation: 'gce-regional-external', negs: true },
    { annotation: 'nginx', negs: false },
  ])('$annotation -> $negs', ({ annotation, negs }) => {
    const annotations: Record<string, string> = annotation === undefined ? {} : { 'kubernetes.io/ingress.class': annotation };
    expect(requiresNegs({ metadata: { name: 'x', annotations } })).toBe(negs);
  });
});
