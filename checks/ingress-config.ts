import type { CheckContext, CheckResult, Finding, MessageData, Severity } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import { attachedBackendConfigVerdict } from '../src/gke/ingress/backend-config-verdicts.js';
import { frontendConfigVerdict } from '../src/gke/ingress/frontend-config-verdicts.js';
import { IngressBackendResolver, describeServicePortRef } from '../src/gke/load-balancer/ingress-backends.js';
import { isGceIngress, requiresNegs } from '../src/gke/ingress/ingress-class.js';
import { ingressClassVerdicts } from '../src/gke/ingress/ingress-class-verdicts.js';
import { editIngressCommand } from '../src/gke/ingress/ingress-fixes.js';
import { ingressPathVerdicts } from '../src/gke/ingress/ingress-path-verdicts.js';
import { ingressProxySubnetProblem } from '../src/gke/ingress/proxy-only-subnet.js';
import { ingressRuleVerdicts } from '../src/gke/ingress/ingress-rule-verdicts.js';
import { negOnlyVerdict, serviceVerdicts } from '../src/gke/ingress/ingress-service-verdicts.js';
import { unknownIngressFields, unknownServiceFields } from '../src/gke/ingress/planned-ingress-values.js';
import { afterApplyFix, unknownFieldsClause } from '../src/gke/planned-values.js';
import { attachedBackendConfig } from '../src/gke/services/service-annotations.js';
import type { Verdict } from '../src/gke/verdict.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import type { Ingress } from '../src/state/kubernetes-types.js';

const ingressConfig = defineCheck({
  id: 'ingress-config',
  title: 'GCE Ingresses and the Services, BackendConfigs and FrontendConfigs they use are valid for the GKE ingress controller',
  severity: 'error',
  description: `The GKE ingress controller skips or rejects parts of an Ingress that Kubernetes accepts,
and says so only in events that are easy to miss. This check does what ingress-gce's
check-gke-ingress does, and more: rules without http; several rules with the same host
(the last one wins); Exact or Prefix paths that are empty or hold a \`*\`, which the
translator refuses, failing the whole Ingress (pkg/translator validateAndGetPaths);
backends naming a Service or port that does not exist; Services that
are neither NodePort nor NEG-enabled (the controller reads only cloud.google.com/neg, which
GKE writes on new Services only on VPC-native clusters without Shared VPC or GKE network
policy; before apply this is decided from the cluster when it is known);
BackendConfig annotations that are not valid JSON or name a missing BackendConfig; a health
check timeoutSec above checkIntervalSec; app-protocols other than HTTP, HTTPS, HTTP2;
internal (gce-internal) Ingresses with a FrontendConfig; internal and regional external
(gce-internal, gce-regional-external) Ingresses whose Services do not use NEGs, or with no
active proxy-only subnet in the cluster's region and network (Compute refuses their forwarding
rule, so they never get an address); a missing
FrontendConfig; spec.ingressClassName on an Ingress meant for GCE, which the
controller does not read; and a default IngressClass, whose name Kubernetes writes into
every Ingress created without a class, so GKE's controller ignores it: named as the root
cause, with a fix for the Ingress and for the class's default annotation. A default class
meant for GKE itself (named gce, gce-internal or gce-regional-external, or with controller
k8s.io/ingress-gce, as setup guides write it) is an error on every Ingress it stamped: GKE's
controller reads no IngressClass, so nothing serves them. Ingresses being
deleted are left to the namespace diagnosis.`,
  references: [
    'https://github.com/kubernetes/ingress-gce/tree/master/cmd/check-gke-ingress',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balance-ingress',
  ],
  needs: ['Ingress', 'Service'],
  optionalNeeds: ['BackendConfig', 'FrontendConfig', 'IngressClass', 'cluster', 'subnetworks'],
  appliesTo: ['Ingress'],
  notApplicable: 'no GCE Ingress exists',
  messages: {
    ruleWithoutHttp: '{{field}} (host "{{host}}") has no `http`: the controller skips the rule, so requests for that host go to the default backend.',
    duplicateHost: 'Rules {{rules}} have the same host "{{host}}": the controller keeps only the last rule\'s paths for a host, so the paths of the others never get traffic.',
    serviceMissing: '{{field}} routes to {{service}}, which does not exist: the controller cannot create this backend.',
    notServiceBackend: '{{field}} routes to a resource backend, which the GCE controller cannot serve: it needs a Service.',
    portMissing: '{{field}} routes to {{port}} of {{service}}, which has no such port (its ports: {{ports}}).',
    notNodePortNorNeg:
      '{{service}} is of type {{type}} and does not use NEGs ({{neg}}): a GCE Ingress backend must be a NodePort or LoadBalancer Service, or use container-native load balancing (NEGs).',
    negUnknown:
      '{{service}} is of type {{type}} with no cloud.google.com/neg annotation: it works behind a GCE Ingress only if GKE adds that annotation on creation, and that cannot be decided before apply: {{why}}.',
    backendConfigAnnotationInvalid: '{{service}}: {{error}}: the controller cannot attach a BackendConfig to any of its ports.',
    backendConfigMissing: '{{service}} {{port}} names BackendConfig {{name}} ({{key}}), which does not exist in namespace {{namespace}}.',
    backendConfigMissingAmong: '{{service}} {{port}} names BackendConfig {{name}} ({{key}}), which does not exist in namespace {{namespace}} (it has {{existing}}).',
    backendConfigUnread:
      '{{service}} {{port}} names BackendConfig {{name}} ({{key}}), which could not be read ({{reason}}): whether it exists and whether its health check is valid is not known.',
    timeoutAboveInterval: 'BackendConfig {{name}} sets healthCheck.timeoutSec {{timeout}} above checkIntervalSec {{interval}}: Compute Engine rejects such a health check.',
    appProtocolInvalid: '{{service}}: {{error}}: the controller cannot create its backends.',
    internalWithFrontendConfig: '{{ingress}} is internal ({{annotation}}: gce-internal) but names FrontendConfig {{name}}: internal Ingresses do not support FrontendConfig.',
    internalWithoutNeg:
      '{{ingress}} is internal ({{ingressClass}}) and its backend {{service}} does not use NEGs ({{neg}}): internal Application Load Balancers reach Pods only through NEGs.',
    regionalExternalWithoutNeg:
      '{{ingress}} is regional external ({{ingressClass}}) and its backend {{service}} does not use NEGs ({{neg}}): regional external Application Load Balancers reach Pods only through NEGs.',
    proxySubnetMissing:
      '{{ingress}} is {{kind}} ({{ingressClass}}): its load balancer needs an active proxy-only subnet (purpose {{purposes}}) in region {{region}} of network {{network}}, and there is none, so Compute refuses its forwarding rule and the Ingress never gets an address.',
    proxySubnetUnknown:
      '{{ingress}} is {{kind}} ({{ingressClass}}) and needs an active proxy-only subnet (purpose {{purposes}}) in region {{region}}; the subnets could not be read ({{reason}}), so this is not checked.',
    frontendConfigUnread: '{{ingress}} names FrontendConfig {{name}} ({{key}}), which could not be read ({{reason}}): whether it exists is not known.',
    frontendConfigMissing: '{{ingress}} names FrontendConfig {{name}} ({{key}}), which does not exist in namespace {{namespace}}.',
    ingressClassNameIgnored:
      '{{ingress}} sets spec.ingressClassName: {{className}} and no {{annotation}} annotation: GKE\'s ingress controller does not read spec.ingressClassName, so nothing serves this Ingress and it never gets a load balancer.',
    ingressClassNameBesideAnnotation:
      '{{ingress}} sets spec.ingressClassName: {{className}} next to {{annotation}}: {{annotationClass}}. GKE\'s controller reads only the annotation: if it is removed (say, to move to ingressClassName), the controller stops serving the Ingress and deletes its load balancer.',
    defaultClassStamped:
      '{{ingress}} carries annotations only GKE\'s ingress controller reads ({{annotations}}) but has spec.ingressClassName: {{className}}. IngressClass {{className}} is marked default ({{defaultAnnotation}}: "true"), so Kubernetes\' DefaultIngressClass admission plugin wrote its name into this Ingress, created without a class: GKE\'s controller ignores an Ingress with spec.ingressClassName, and it never gets a Google Cloud load balancer. The default IngressClass is the root cause: it takes every Ingress created without a class from GKE the same way.',
    defaultGkeClassStamped:
      '{{ingress}} has spec.ingressClassName: {{className}} and no {{annotation}} annotation, so GKE\'s ingress controller ignores it and nothing serves it: it never gets a load balancer. The root cause is IngressClass {{className}}, marked default ({{defaultAnnotation}}: "true"): Kubernetes\' DefaultIngressClass admission plugin writes its name into every Ingress created without a class, and GKE\'s controller reads no IngressClass (only the {{annotation}} annotation), so every new Ingress written for GKE breaks the same way.',
    defaultClassWillStamp:
      '{{ingress}} has no class, and IngressClass {{className}} is marked default ({{defaultAnnotation}}: "true"): on creation Kubernetes\' DefaultIngressClass admission plugin will write spec.ingressClassName: {{className}} into it, and GKE\'s ingress controller ignores an Ingress with spec.ingressClassName.',
    pathInvalid:
      '{{field}}: {{error}}. GKE\'s ingress controller refuses the whole Ingress for this (its event reads "Translation failed: invalid ingress spec: …"), so none of its rules gets a load balancer.',
    undecided: 'Whether {{resource}} is valid for the GKE ingress controller cannot be decided before apply: {{unknown}}.',
    fixEditIngress: 'Edit the Ingress: {{what}}.',
    fixPathWildcard:
      'Drop the `*` from {{field}} ({{path}}): pathType {{pathType}} already matches everything below the path. Or keep the GCE wildcard form (/path/*) with pathType ImplementationSpecific.',
    fixNeg: 'Use container-native load balancing for the Service (the annotation below; NEGs need a VPC-native cluster), or make it a NodePort Service.',
    fixNodePort: 'Make the Service a NodePort Service (NEGs need a VPC-native cluster).',
    fixBackendConfigAnnotation: 'Set the annotation to JSON naming a BackendConfig for the default or per port, e.g. {"default": "NAME"} or {"ports": {"PORT": "NAME"}}.',
    fixBackendConfigMissing: 'Create BackendConfig {{name}} in namespace {{namespace}}, or correct the name in the Service annotation.',
    fixTimeout: 'Make timeoutSec at most checkIntervalSec.',
    fixAppProtocol: 'Use only HTTP, HTTPS or HTTP2 (upper case) as protocols in the annotation.',
    fixRemoveFrontendConfig: 'Remove the FrontendConfig annotation from the internal Ingress.',
    fixProxySubnet: 'Create a proxy-only subnet in the region (one per region and network, shared by every regional load balancer there); pick an unused range of at least /26.',
    fixReadConfig: 'Let gke-doctor list {{resource}} (or read the object yourself), then run it again.',
    fixFrontendConfigMissing: 'Create FrontendConfig {{name}} in namespace {{namespace}}, or remove or correct the annotation.',
    fixIngressClassName: 'Remove spec.ingressClassName and select GKE\'s controller with the {{annotation}} annotation.',
    fixDefaultClass:
      'Give the Ingress to GKE\'s controller (set {{annotation}}: gce, remove spec.ingressClassName), and stop marking IngressClass {{className}} default so the next Ingress created without a class is not taken from GKE too.',
    fixDefaultGkeClass:
      'Give the Ingress to GKE\'s controller ({{annotation}}: {{gceClass}}, and remove spec.ingressClassName), and remove {{defaultAnnotation}} from IngressClass {{className}} (or delete it: GKE\'s controller reads no IngressClass) so the next Ingress created without a class is served too.',
    fixDefaultClassBeforeApply: 'If the Ingress is meant for GKE\'s controller, set the {{annotation}}: gce annotation in its manifest: the admission plugin leaves an Ingress with that annotation alone.',
    fixRemoveIngressClassName: 'Keep the annotation; remove spec.ingressClassName so nobody mistakes it for what selects the controller.',
  },
  run(state: ClusterState, context): CheckResult {
    const findings: Finding[] = [];
    const examined = new Set<string>();
    const run: RunContext = { state, context, resolver: new IngressBackendResolver(state), checkedServices: new Set(), checkedBackendConfigs: new Set(), findings };
    // An Ingress being deleted no longer gets a load balancer: what holds it belongs to the namespace diagnosis.
    for (const ingress of state.kubernetes.list('Ingress').filter((candidate) => !candidate.metadata?.deletionTimestamp)) {
      const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
      const namespace = ingress.metadata?.namespace ?? 'default';
      const on: IngressContext = {
        ingress,
        resource,
        namespace,
        editIngress: editIngressCommand(ingress),
        add: (severity, messageId, data, summary, commands) =>
          findings.push(context.report({ messageId, severity, data, resource, evidence: { ingress: resource, ...data }, fix: { summary, commands, terraform: null, automatic: false } })),
        report: (verdict) => {
          if (verdict) findings.push(findingOf(context, verdict, resource));
        },
      };
      const unknown = unknownIngressFields(state, ingress);
      if (unknown.length > 0) {
        // An Ingress whose class or spec is known only after apply: nothing about it is guessed.
        if (isGceIngress(ingress)) findings.push(undecidedFinding(state, resource, unknown, context));
        examined.add(resource);
        continue;
      }
      const classVerdicts = ingressClassVerdicts(ingress, state);
      classVerdicts.forEach(on.report);
      // An Ingress whose class takes it from GKE's controller is examined for that alone: nothing serves it.
      if (classVerdicts.length > 0 || isGceIngress(ingress)) examined.add(resource);
      if (!isGceIngress(ingress)) continue;
      ingressRuleVerdicts(ingress).forEach(on.report);
      ingressPathVerdicts(ingress).forEach(on.report);
      on.report(frontendConfigVerdict(ingress, state));
      const subnet = ingressProxySubnetProblem(ingress, state, ingressConfig.messages.fixProxySubnet);
      if (subnet?.kind === 'missing') findings.push(context.report({ messageId: 'proxySubnetMissing', data: subnet.data, resource, evidence: subnet.evidence, fix: subnet.fix }));
      if (subnet?.kind === 'unknown') findings.push(context.report({ messageId: 'proxySubnetUnknown', severity: 'warning', data: subnet.data, resource, fix: subnet.fix }));
      checkBackends(on, run);
    }
    return { examined: [...examined], findings };
  },
});

type MessageId = keyof typeof ingressConfig.messages;
const text = (id: MessageId, data: MessageData = {}) => fill(ingressConfig.messages[id], data, id);

interface RunContext {
  state: ClusterState;
  context: CheckContext<MessageId>;
  resolver: IngressBackendResolver;
  /** Services and BackendConfigs are judged once, however many backends use them. */
  checkedServices: Set<string>;
  checkedBackendConfigs: Set<string>;
  findings: Finding[];
}

/** One Ingress being checked, and how a finding about it is recorded. */
interface IngressContext {
  ingress: Ingress;
  resource: string;
  namespace: string;
  editIngress: string;
  add(severity: Severity, messageId: MessageId, data: MessageData, summary: string, commands: string[]): void;
  /** Records a verdict of src/gke found through this Ingress. */
  report(verdict: Verdict<MessageId> | undefined): void;
}

/** Each backend's Service, port, NEGs and BackendConfig (CheckServiceExistence, translator.go getServicePort). */
function checkBackends(on: IngressContext, run: RunContext): void {
  const { ingress, namespace, add, editIngress } = on;
  for (const ref of run.resolver.backendsOf(ingress)) {
    if (!ref.serviceName) {
      add('error', 'notServiceBackend', { field: ref.field }, text('fixEditIngress', { what: `make ${ref.field} a service backend` }), [editIngress]);
      continue;
    }
    const backend = run.resolver.resolve(ref);
    const serviceResource = `Service/${namespace}/${ref.serviceName}`;
    if (!backend.service) {
      add('error', 'serviceMissing', { field: ref.field, service: serviceResource }, text('fixEditIngress', { what: `point ${ref.field} at an existing Service, or create ${serviceResource}` }), [editIngress]);
      continue;
    }
    const service = backend.service;
    const serviceKey = `${namespace}/${ref.serviceName}`;
    const unknown = unknownServiceFields(run.state, service);
    if (unknown.length > 0) {
      // A Service whose ports or annotations are known only after apply: nothing about it is guessed.
      if (!run.checkedServices.has(serviceKey)) run.findings.push(undecidedFinding(run.state, serviceResource, unknown, run.context));
      run.checkedServices.add(serviceKey);
      continue;
    }
    if (!backend.servicePort) {
      const ports = (service.spec?.ports ?? []).map((port) => (port.name ? `${port.name} (${port.port})` : String(port.port))).join(', ') || 'none';
      add('error', 'portMissing', { field: ref.field, port: describeServicePortRef(ref.port), service: serviceResource, ports }, text('fixEditIngress', { what: `use one of the Service's ports in ${ref.field}` }), [editIngress]);
      continue;
    }
    on.report(negOnlyVerdict(ingress, service, run.state));
    if (!run.checkedServices.has(serviceKey)) {
      run.checkedServices.add(serviceKey);
      run.findings.push(...serviceVerdicts(service, run.state, requiresNegs(ingress)).map((verdict) => findingOf(run.context, verdict)));
    }
    const attached = attachedBackendConfig(service, backend.servicePort);
    if (attached && !run.checkedBackendConfigs.has(`${namespace}/${attached.name}`)) {
      run.checkedBackendConfigs.add(`${namespace}/${attached.name}`);
      on.report(attachedBackendConfigVerdict(backend, attached, run.state));
    }
  }
}

/** A finding from a verdict of src/gke, its fix summary filled from this check's messages; `ingress`, the Ingress it was found through. */
function findingOf(context: CheckContext<MessageId>, verdict: Verdict<MessageId>, ingress?: string): Finding {
  const { summary, summaryData, commands } = verdict.fix;
  return context.report({ ...verdict, evidence: ingress ? { ingress, ...verdict.evidence } : verdict.evidence, fix: { summary: text(summary, summaryData), commands, terraform: null, automatic: false } });
}

function undecidedFinding(state: ClusterState, resource: string, fields: readonly string[], context: CheckContext<MessageId>): Finding {
  return context.report({
    messageId: 'undecided',
    severity: 'warning',
    data: { resource, unknown: unknownFieldsClause(state, resource, fields) },
    resource,
    evidence: { knownAfterApply: fields },
    fix: afterApplyFix('set-value'),
  });
}

export default ingressConfig;
