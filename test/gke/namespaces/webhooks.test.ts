import { describe, expect, it } from 'vitest';
import type { AdmissionRequest } from '../../../src/gke/namespaces/admission-webhooks.js';
import { finalizeRequest, webhooksRefusing } from '../../../src/gke/namespaces/admission-webhooks.js';
import { preferredVersion } from '../../../src/gke/namespaces/conversion-webhooks.js';
import { matchesLabelSelector } from '../../../src/gke/namespaces/label-selector.js';
import { podTrouble } from '../../../src/gke/namespaces/controller-pods.js';
import type { ClusterState } from '../../../src/state/cluster-state.js';
import { KubernetesObjects } from '../../../src/state/cluster-state.js';
import type { KubeObject, Namespace } from '../../../src/state/kubernetes-types.js';

// k8s.io/apimachinery pkg/apis/meta/v1 LabelSelectorAsSelector.
describe('matchesLabelSelector', () => {
  it.each([
    [{ a: '1' }, undefined, true],
    [{ a: '1' }, {}, true],
    [{ a: '1' }, { matchLabels: { a: '1' } }, true],
    [{ a: '1' }, { matchLabels: { a: '2' } }, false],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, true],
    [{}, { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, false],
    [{}, { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, true],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, false],
    [{ a: '' }, { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, true],
    [{ a: '' }, { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, false],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['0'] }] }, undefined],
  ])('%j against %j: %s', (labels, selector, expected) => expect(matchesLabelSelector(labels, selector)).toBe(expected));
});

// k8s.io/apimachinery pkg/version/helpers.go CompareKubeAwareVersionStrings: GA, then beta, then alpha, higher first.
it.each([
  [['v1alpha2', 'v1alpha3', 'v1beta1', 'v1'], 'v1'],
  [['v1beta1', 'v2alpha1'], 'v1beta1'],
  [['v1', 'v2'], 'v2'],
  [['v1beta1', 'v1beta2'], 'v1beta2'],
  [['foo1', 'v1alpha1'], 'v1alpha1'],
])('the preferred version of %j is %s', (served, preferred) => expect(preferredVersion(served)).toBe(preferred));

const namespace = (labels: Record<string, string> = {}): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels } });
const request = (overrides: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  resource: 'Challenge/shop/c',
  group: 'acme.cert-manager.io',
  version: 'v1',
  plural: 'challenges',
  subresource: '',
  namespace: 'shop',
  labels: {},
  ...overrides,
});

function state(webhook: Record<string, unknown>, labels: Record<string, string> = {}): ClusterState {
  const configuration = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'vwc' },
    webhooks: [{ name: 'w.example.com', clientConfig: { service: { namespace: 'gone', name: 'svc', path: '/validate' } }, sideEffects: 'None', admissionReviewVersions: ['v1'], ...webhook }],
  };
  return { target: { source: 'snapshot', project: null, location: null, cluster: null }, kubernetes: new KubernetesObjects([namespace(labels) as KubeObject, configuration as KubeObject]), unavailable: new Map(), locations: new Map() };
}

const rule = (overrides: Record<string, unknown> = {}) => ({ operations: ['UPDATE'], apiGroups: ['acme.cert-manager.io'], apiVersions: ['v1'], resources: ['challenges'], ...overrides });

// k8s.io/apiserver pkg/admission/plugin/webhook/predicates/rules/rules.go Matches.
describe('webhooksRefusing: which UPDATEs a webhook whose Service is gone refuses', () => {
  it.each([
    ['the resource itself', { rules: [rule()] }, request(), true],
    ['the default failurePolicy is Fail', { rules: [rule()], failurePolicy: undefined }, request(), true],
    ['failurePolicy Ignore', { rules: [rule()], failurePolicy: 'Ignore' }, request(), false],
    ['CREATE only', { rules: [rule({ operations: ['CREATE'] })] }, request(), false],
    ['operations *', { rules: [rule({ operations: ['*'] })] }, request(), true],
    ['another group', { rules: [rule({ apiGroups: ['cert-manager.io'] })] }, request(), false],
    ['another version, matchPolicy Equivalent (the default)', { rules: [rule({ apiVersions: ['v1beta1'] })] }, request(), true],
    ['another version, matchPolicy Exact', { rules: [rule({ apiVersions: ['v1beta1'] })], matchPolicy: 'Exact' }, request(), false],
    ['resources * matches no subresource', { rules: [rule({ resources: ['*'] })] }, request({ subresource: 'status' }), false],
    ['resources */* matches the resource', { rules: [rule({ resources: ['*/*'] })] }, request(), true],
    ['scope Cluster skips a namespaced object', { rules: [rule({ scope: 'Cluster' })] }, request(), false],
    ['objectSelector that the object matches', { rules: [rule()], objectSelector: { matchLabels: { app: 'x' } } }, request({ labels: { app: 'x' } }), true],
    ['objectSelector that the object does not match', { rules: [rule()], objectSelector: { matchLabels: { app: 'x' } } }, request(), false],
    ['namespaceSelector excluding the namespace', { rules: [rule()], namespaceSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } }, request(), false, { skip: 'true' }],
  ] as [string, Record<string, unknown>, AdmissionRequest, boolean, Record<string, string>?][])('%s', (_, webhook, admission, refuses, labels = {}) => {
    expect(webhooksRefusing([admission], state(webhook, labels)).length > 0).toBe(refuses);
  });

  it("the namespace's /finalize: only a rule naming namespaces/finalize (or */*) matches the subresource, at cluster scope", () => {
    const finalize = finalizeRequest(namespace());
    const core = (resources: string[], scope?: string) => ({ rules: [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources, ...(scope ? { scope } : {}) }] });
    expect(webhooksRefusing([finalize], state(core(['namespaces']))).length).toBe(0);
    expect(webhooksRefusing([finalize], state(core(['namespaces/finalize']))).length).toBe(1);
    expect(webhooksRefusing([finalize], state(core(['*/*'], 'Cluster')))).toEqual([
      expect.objectContaining({ configuration: 'ValidatingWebhookConfiguration/vwc', webhook: 'w.example.com', refuses: ['Namespace/shop'], service: 'gone/svc' }),
    ]);
    expect(webhooksRefusing([finalize], state(core(['*/*'], 'Namespaced'))).length).toBe(0);
  });

  it('says what the API server answers, and that matchConditions are not evaluated', () => {
    const [found] = webhooksRefusing([request()], state({ rules: [rule()], timeoutSeconds: 5, matchConditions: [{ name: 'not-a-test', expression: 'true' }] }));
    expect(found).toMatchObject({ error: 'failed calling webhook "w.example.com": failed to call webhook: Post "https://svc.gone.svc:443/validate?timeout=5s": service "svc" not found', conditional: true });
  });
});

describe('podTrouble: why a controller Pod is not ready, as its container statuses say', () => {
  it('a crash loop: waiting reason, last termination, restarts', () => {
    const pod = {
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'manager', ready: false, restartCount: 3, image: 'i', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
      },
    };
    expect(podTrouble(pod)).toBe('container manager waiting: CrashLoopBackOff, last terminated: OOMKilled, exit code 137, 3 restarts');
  });
  it('no container statuses: its phase', () => expect(podTrouble({ status: { phase: 'Pending' } })).toBe('phase Pending, not ready'));
});
