import { expect } from 'vitest';
import ingressConfig from '../../checks/ingress-config.js';
import type { CheckReport } from '../../src/engine/report.js';
import { dataKeysFor } from '../../src/engine/runner.js';
import type { DataKey } from '../../src/state/cluster-state.js';
import type { KubeObject } from '../../src/state/kubernetes-types.js';
import { SnapshotSource } from '../../src/state/snapshot/snapshot-source.js';
import { testCheck } from '../support/check-tester.js';
import { fixturePath } from '../support/fixtures.js';
import { clusterState } from '../support/state.js';

/** A fixture as read, with one kind that could not be listed. */
async function withUnread(fixture: string, kind: DataKey) {
  const state = await new SnapshotSource(fixturePath(fixture)).collect(dataKeysFor([ingressConfig]));
  return { ...state, unavailable: new Map([[kind, `${kind}s could not be listed: 403 Forbidden`]]) };
}

/** Every finding's message and fix, for the assertions the table cannot make. */
const says = (report: CheckReport) => report.findings.map((finding) => [finding.message, finding.fix?.summary, ...(finding.fix?.commands ?? [])].join('\n'));

// An internal or regional external Ingress in front of a Service whose NEG annotation has no "ingress": true.
const negOnlyService: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'admin', namespace: 'store', annotations: { 'cloud.google.com/neg': '{"exposed_ports": {"80": {}}}' } },
  spec: { type: 'ClusterIP', selector: { app: 'admin' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
};
const ingressOfClass = (ingressClass: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'admin', namespace: 'store', annotations: { 'kubernetes.io/ingress.class': ingressClass } },
  spec: { defaultBackend: { service: { name: 'admin', port: { number: 80 } } } },
});
const vpcNative = { cluster: { name: 'c', location: 'us-central1', ipAllocationPolicy: { useIpAliases: true } } };

/** A default IngressClass meant for GKE by its controller (k8s.io/ingress-gce, as setup guides write it), under a name of its own. */
const gkeControllerDefaultClass = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'gke-l7', creationTimestamp: '2023-10-02T09:14:51Z', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
  spec: { controller: 'k8s.io/ingress-gce' },
} as KubeObject;

/** A class-less Ingress with no GCE-only annotation, as the DefaultIngressClass admission plugin stamped it. */
const stampedIngress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'admin', namespace: 'store', creationTimestamp: '2023-11-20T06:05:00Z' },
  spec: { ingressClassName: 'gke-l7', defaultBackend: { service: { name: 'admin', port: { number: 80 } } } },
} as KubeObject;

const blindBackendConfig = await withUnread('ingress-config-backendconfig', 'BackendConfig');
const blindFrontendConfig = await withUnread('ingress-config-frontendconfig-missing', 'FrontendConfig');

// Each rule has a failing case and a passing twin; the fixtures' READMEs name their sources.
testCheck(ingressConfig, {
  valid: [
    'ingress-config-valid',
    // The twin of ingress-config-prefix-wildcard: Prefix /v1, which the translator accepts.
    'ingress-config-prefix-path',
    'seed-argocd-unhealthy',
    'ingress-backendconfig-fix',
    // The default IngressClass leaves an Ingress with a class annotation alone.
    'ingress-default-ingress-class-annotated',
    // The twin of ingress-default-ingress-class-gce after its fix: class gce no longer default, the Ingress annotated.
    'ingress-default-ingress-class-gce-fixed',
    'ingress-internal-proxy-subnet',
    // Shared VPC: the proxy-only subnet is the host project's, and compute/subnetworks.json is the host project's list.
    'ingress-internal-shared-vpc-proxy-subnet',
    { fixture: 'ingress-deleting', examined: [] },
    { name: 'manifests with a GCE class, on a VPC-native cluster the plan creates', manifests: ['preflight/store-manifests-annotated'], plan: 'preflight/argocd-cluster.tfplan.json' },
    // Preflight: manifests without an Ingress hold nothing this check judges (Check.appliesTo).
    { name: 'manifests without an Ingress', manifests: ['preflight/gateway-argocd-manifests'], examined: [] },
  ],
  invalid: [
    {
      name: 'an internal Ingress with no active proxy-only subnet in its region: Compute refuses its forwarding rule',
      fixture: 'ingress-internal-no-proxy-subnet',
      findings: [{ messageId: 'proxySubnetMissing', resource: 'Ingress/gxlb-demo-ns1/ilb-demo-ingress', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('purpose REGIONAL_MANAGED_PROXY or INTERNAL_HTTPS_LOAD_BALANCER) in region asia-northeast1 of network projects/acme-platform/global/networks/default');
        expect(finding!.fix!.terraform).toContain('resource "google_compute_subnetwork" "proxy_only_asia_northeast1"');
      },
    },
    {
      name: 'Shared VPC, no proxy-only subnet in the host project for the cluster\'s region: the fix runs in the host project',
      fixture: 'ingress-internal-shared-vpc-no-proxy-subnet',
      findings: [{ messageId: 'proxySubnetMissing', resource: 'Ingress/gxlb-demo-ns1/ilb-demo-ingress', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('in region asia-northeast1 of network projects/acme-net-host/global/networks/shared-vpc');
        expect(finding!.fix!.commands[1]).toContain('--project acme-net-host --purpose=REGIONAL_MANAGED_PROXY');
      },
    },
    {
      name: 'a Prefix path with a `*`: the translator refuses the whole Ingress',
      fixture: 'ingress-config-prefix-wildcard',
      findings: [{ messageId: 'pathInvalid', resource: 'Ingress/store/store', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toContain('spec.rules[1].http.paths[0]: failed to validate prefix path /v1/* due to invalid wildcard');
        expect(finding!.fix!.summary).toContain('Drop the `*` from spec.rules[1].http.paths[0] (/v1/*)');
      },
    },
    {
      fixture: 'ingress-config-rules',
      findings: [
        { messageId: 'ruleWithoutHttp', resource: 'Ingress/store/store', severity: 'warning' },
        { messageId: 'duplicateHost', resource: 'Ingress/store/store', severity: 'error' },
      ],
      then: (report) => expect(says(report)[1]).toMatch(/spec.rules\[0\], spec.rules\[2\] have the same host "store.example.com"[\s\S]*merge the paths/),
    },
    {
      // Routes-based cluster: the Service has no NEG annotation, so instance groups, which need a NodePort.
      fixture: 'ingress-config-backends',
      findings: [
        { messageId: 'notNodePortNorNeg', resource: 'Service/store/web', severity: 'error' },
        { messageId: 'portMissing', resource: 'Ingress/store/store', severity: 'error' },
        { messageId: 'serviceMissing', resource: 'Ingress/store/store', severity: 'error' },
      ],
      then: (report) => {
        expect(says(report)[0]).toMatch(/patch service web -p '\{"spec":\{"type":"NodePort"\}\}'/);
        expect(says(report)[1]).toMatch(/routes to port 8080 of Service\/store\/api, which has no such port \(its ports: http \(80\)\)/);
      },
    },
    {
      // VPC-native, but the Service read from the cluster has no cloud.google.com/neg: GKE did not write it.
      fixture: 'ingress-config-clusterip-no-neg',
      findings: [{ messageId: 'notNodePortNorNeg', resource: 'Service/store/web', severity: 'error' }],
      then: (report) => expect(says(report)[0]).toMatch(/uses instance groups[\s\S]*annotate service web cloud.google.com\/neg='\{"ingress": true\}'/),
    },
    {
      fixture: 'ingress-config-backendconfig',
      findings: [
        { messageId: 'backendConfigAnnotationInvalid', resource: 'Service/store/web', severity: 'error' },
        { messageId: 'backendConfigAnnotationInvalid', resource: 'Service/store/api', severity: 'error' },
        { messageId: 'backendConfigMissingAmong', resource: 'Service/store/cart', severity: 'error' },
        { messageId: 'timeoutAboveInterval', resource: 'BackendConfig/store/search-backend', severity: 'error' },
      ],
      then: (report) => {
        expect(says(report)[2]).toMatch(/names BackendConfig cart-backend \(beta.cloud.google.com\/backend-config\), which does not exist in namespace store \(it has cart-backnd, search-backend\)/);
        expect(says(report)[3]).toMatch(/patch backendconfig search-backend --type merge -p '\{"spec":\{"healthCheck":\{"timeoutSec":5\}\}\}'/);
      },
    },
    {
      // A BackendConfig that could not be listed is never said to be missing, nor passed: it is named as unread.
      name: 'BackendConfigs not read',
      state: blindBackendConfig,
      findings: [
        { messageId: 'backendConfigAnnotationInvalid', resource: 'Service/store/web', severity: 'error' },
        { messageId: 'backendConfigAnnotationInvalid', resource: 'Service/store/api', severity: 'error' },
        { messageId: 'backendConfigUnread', resource: 'Service/store/cart', severity: 'warning' },
        { messageId: 'backendConfigUnread', resource: 'Service/store/search', severity: 'warning' },
      ],
      then: (report) => expect(says(report).join('\n')).not.toMatch(/does not exist|timeoutSec/),
    },
    {
      name: 'FrontendConfigs not read',
      state: blindFrontendConfig,
      findings: [{ messageId: 'frontendConfigUnread', resource: 'Ingress/store/store', severity: 'warning' }],
      then: (report) => expect(says(report)[0]).toMatch(/could not be read \(FrontendConfigs could not be listed: 403 Forbidden\)/),
    },
    {
      fixture: 'ingress-config-app-protocols',
      findings: [
        { messageId: 'appProtocolInvalid', resource: 'Service/store/web', severity: 'error' },
        { messageId: 'appProtocolInvalid', resource: 'Service/store/api', severity: 'error' },
      ],
      then: (report) => expect(says(report)[0]).toMatch(/cloud.google.com\/app-protocols='\{"https":"HTTPS"\}'/),
    },
    {
      fixture: 'ingress-config-internal',
      findings: [
        { messageId: 'internalWithFrontendConfig', resource: 'Ingress/store/admin', severity: 'warning' },
        { messageId: 'internalWithoutNeg', resource: 'Ingress/store/admin', severity: 'error' },
      ],
    },
    {
      fixture: 'ingress-config-frontendconfig-missing',
      findings: [{ messageId: 'frontendConfigMissing', resource: 'Ingress/store/store', severity: 'error' }],
    },
    {
      fixture: 'ingress-config-ingress-class-name',
      findings: [
        { messageId: 'ingressClassNameIgnored', resource: 'Ingress/store/store', severity: 'error' },
        { messageId: 'ingressClassNameBesideAnnotation', resource: 'Ingress/store/store-legacy', severity: 'info' },
      ],
    },
    {
      // IngressClass nginx is default: the admission plugin stamped it on an Ingress written for GKE.
      fixture: 'ingress-default-ingress-class',
      findings: [{ messageId: 'defaultClassStamped', resource: 'Ingress/store/web', severity: 'warning' }],
      then: (report) => {
        const [text] = says(report);
        expect(text).toMatch(/IngressClass nginx is marked default/);
        expect(text).toContain('kubectl -n store annotate ingress web kubernetes.io/ingress.class=gce');
        expect(text).toContain('kubectl annotate ingressclass nginx ingressclass.kubernetes.io/is-default-class-');
      },
    },
    {
      // IngressClass gce (controller k8s.io/ingress-gce) is default, as setup guides write it: it is the root cause.
      fixture: 'ingress-default-ingress-class-gce',
      findings: [{ messageId: 'defaultGkeClassStamped', resource: 'Ingress/store/web', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.message).toMatch(/The root cause is IngressClass gce, marked default/);
        expect(finding!.message).toMatch(/every new Ingress written for GKE breaks the same way/);
        expect(finding!.fix?.commands).toEqual([
          'kubectl -n store annotate ingress web kubernetes.io/ingress.class=gce',
          'kubectl -n store patch ingress web --type json -p \'[{"op":"remove","path":"/spec/ingressClassName"}]\'',
          'kubectl annotate ingressclass gce ingressclass.kubernetes.io/is-default-class-',
        ]);
        expect(finding!.evidence).toMatchObject({ defaultIngressClass: 'IngressClass/gce' });
      },
    },
    {
      name: 'a default class of another name with controller k8s.io/ingress-gce stamped a class-less Ingress: the same root cause, fixed with gce',
      state: clusterState(vpcNative, [gkeControllerDefaultClass, stampedIngress]),
      findings: [{ messageId: 'defaultGkeClassStamped', resource: 'Ingress/store/admin', severity: 'error' }],
      then: ({ findings: [finding] }) => {
        expect(finding!.fix?.commands[0]).toBe('kubectl -n store annotate ingress admin kubernetes.io/ingress.class=gce');
        expect(finding!.fix?.commands[2]).toBe('kubectl annotate ingressclass gke-l7 ingressclass.kubernetes.io/is-default-class-');
      },
    },
    {
      name: 'the same class not marked default, named by the Ingress itself: ignored all the same, fixed with gce',
      state: clusterState(vpcNative, [{ ...gkeControllerDefaultClass, metadata: { name: 'gke-l7' } } as KubeObject, stampedIngress]),
      findings: [{ messageId: 'ingressClassNameIgnored', resource: 'Ingress/store/admin', severity: 'error' }],
      then: ({ findings: [finding] }) => expect(finding!.fix?.commands[1]).toBe('kubectl -n store annotate ingress admin kubernetes.io/ingress.class=gce'),
    },
    {
      // Before apply: a class-less Ingress will be stamped; without a cluster, GKE's NEG annotation cannot be foreseen.
      name: 'class-less manifests next to a default IngressClass, no cluster',
      manifests: ['preflight/store-manifests'],
      findings: [
        { messageId: 'defaultClassWillStamp', resource: 'Ingress/store/web', severity: 'warning' },
        { messageId: 'negUnknown', resource: 'Service/store/web', severity: 'warning' },
      ],
      then: (report) => expect(says(report)[1]).toMatch(/cannot be decided before apply: the cluster was not read/),
    },
    {
      // The passing twin is the same manifests on argocd-cluster.tfplan.json, where networking_mode is VPC_NATIVE (valid, above).
      name: 'manifests on a planned cluster whose networking_mode is known only after apply',
      manifests: ['preflight/store-manifests-annotated'],
      plan: 'preflight/cluster-networking-unknown.tfplan.json',
      findings: [{ messageId: 'negUnknown', resource: 'Service/store/web', severity: 'warning' }],
      then: (report) => {
        expect(says(report)[0]).toMatch(/cannot be decided before apply: ipAllocationPolicy.useIpAliases of projects\/acme-platform\/locations\/asia-northeast1\/clusters\/tools-cluster is known only after apply/);
        // Not "make it a NodePort Service because the cluster is routes-based": that is not known either.
        expect(report.findings[0]!.fix?.commands).toEqual([`kubectl -n store annotate service web cloud.google.com/neg='{"ingress": true}' --overwrite`]);
      },
    },
    ...(['gce-internal', 'gce-regional-external'] as const).map((ingressClass) => ({
      name: `${ingressClass}: NEG-only load balancers`,
      state: clusterState(vpcNative, [ingressOfClass(ingressClass), negOnlyService]),
      findings: [{ messageId: ingressClass === 'gce-internal' ? 'internalWithoutNeg' : 'regionalExternalWithoutNeg', resource: 'Ingress/store/admin', severity: 'error' as const }],
    })),
    {
      name: 'gce: the same Service is a ClusterIP without NEGs',
      state: clusterState(vpcNative, [ingressOfClass('gce'), negOnlyService]),
      findings: [{ messageId: 'notNodePortNorNeg', resource: 'Service/store/admin', severity: 'error' }],
    },
  ],
});
