import { describe, expect, it } from 'vitest';
import { defaultClassStamp, isGceIngress, isMeantForGke, requiresNegs } from '../../../src/gke/ingress/ingress-class.js';
import type { Ingress, IngressClass } from '../../../src/state/kubernetes-types.js';

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

describe('defaultClassStamp: the default IngressClass as the root cause (plugin/pkg/admission/network/defaultingressclass)', () => {
  const ingressClass = (name: string, controller: string, isDefault = true): IngressClass => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, creationTimestamp: '2023-10-02T09:14:51Z', annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} },
    spec: { controller },
  });
  const ingress = (className: string | undefined, annotations: Record<string, string> = {}): Ingress => ({ metadata: { name: 'web', namespace: 'store', annotations }, spec: className ? { ingressClassName: className } : {} });

  it.each([
    ['gce, controller k8s.io/ingress-gce (setup guides)', ingressClass('gce', 'k8s.io/ingress-gce'), true],
    ['a GCE class name whatever its controller', ingressClass('gce-internal', 'example.com/none'), true],
    ['any name with controller k8s.io/ingress-gce', ingressClass('gke-l7', 'k8s.io/ingress-gce'), true],
    ['ingress-nginx', ingressClass('nginx', 'k8s.io/ingress-nginx'), false],
  ] as const)('isMeantForGke: %s', (_name, candidate, meant) => {
    expect(isMeantForGke(candidate)).toBe(meant);
  });

  it.each([
    ['a default meant for GKE stamped a plain Ingress: the root cause, with no GCE-only annotation needed', [ingressClass('gce', 'k8s.io/ingress-gce')], ingress('gce'), { className: 'gce', meantForGke: true }],
    ['nginx stamped an Ingress written for GKE', [ingressClass('nginx', 'k8s.io/ingress-nginx')], ingress('nginx', { 'kubernetes.io/ingress.global-static-ip-name': 'ip' }), { className: 'nginx', meantForGke: false }],
    ['nginx stamped a plain Ingress: nginx serves what was written for it', [ingressClass('nginx', 'k8s.io/ingress-nginx')], ingress('nginx'), undefined],
    ['the Ingress has a class annotation: the plugin did not stamp it', [ingressClass('gce', 'k8s.io/ingress-gce')], ingress('gce', { 'kubernetes.io/ingress.class': 'gce' }), undefined],
    ['the class is not default: the Ingress names it itself', [ingressClass('gce', 'k8s.io/ingress-gce', false)], ingress('gce'), undefined],
  ] as const)('%s', (_name, classes, candidate, expected) => {
    const stamp = defaultClassStamp(candidate, classes, false);
    if (expected === undefined) expect(stamp).toBeUndefined();
    else expect(stamp).toMatchObject({ ...expected, beforeApply: false });
  });
});
