import type { CheckContext, CheckResult, Finding, MessageData, Severity } from '../src/engine/check.js';
import { defineCheck, fill } from '../src/engine/check.js';
import type { ServicePort } from '../src/gke/ingress-backends.js';
import { IngressBackendResolver, describeServicePortRef } from '../src/gke/ingress-backends.js';
import {
  DEFAULT_INGRESS_CLASS_ANNOTATION,
  FRONTEND_CONFIG_ANNOTATION,
  INGRESS_CLASS_ANNOTATION,
  INTERNAL_INGRESS_CLASS,
  defaultClassStamp,
  ingressClassNameUse,
  isGceIngress,
  isInternalIngress,
  requiresNegs,
} from '../src/gke/ingress-class.js';
import { afterApplyFix, unknownFieldsClause, unknownIngressFields, unknownServiceFields } from '../src/gke/planned-values.js';
import { appProtocols, backendConfigNameFor, backendConfigRefs, isVpcNative, negDecisionFor } from '../src/gke/service-annotations.js';
import { appProtocolCommands, editServiceCommand, negCommand, nodePortCommand } from '../src/gke/service-fixes.js';
import type { ClusterState } from '../src/state/cluster-state.js';
import { kubernetesResourceName } from '../src/state/cluster-state.js';
import type { Ingress, Service } from '../src/state/kubernetes-types.js';

const ingressConfig = defineCheck({
  id: 'ingress-config',
  title: 'GCE Ingresses and the Services, BackendConfigs and FrontendConfigs they use are valid for the GKE ingress controller',
  severity: 'error',
  description: `The GKE ingress controller skips or rejects parts of an Ingress that Kubernetes accepts,
and says so only in events that are easy to miss. This check does what ingress-gce's
check-gke-ingress does, and more: rules without http; several rules with the same host
(the last one wins); backends naming a Service or port that does not exist; Services that
are neither NodePort nor NEG-enabled (the controller reads only cloud.google.com/neg, which
GKE writes on new Services only on VPC-native clusters without Shared VPC or GKE network
policy; before apply this is decided from the cluster when it is known);
BackendConfig annotations that are not valid JSON or name a missing BackendConfig; a health
check timeoutSec above checkIntervalSec; app-protocols other than HTTP, HTTPS, HTTP2;
internal (gce-internal) Ingresses with a FrontendConfig; internal and regional external
(gce-internal, gce-regional-external) Ingresses whose Services do not use NEGs; a missing
FrontendConfig; spec.ingressClassName on an Ingress meant for GCE, which the
controller does not read; and a default IngressClass, whose name Kubernetes writes into
every Ingress created without a class, so GKE's controller ignores it. Ingresses being
deleted are left to the namespace diagnosis.`,
  references: [
    'https://github.com/kubernetes/ingress-gce/tree/master/cmd/check-gke-ingress',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balance-ingress',
  ],
  needs: ['Ingress', 'Service'],
  optionalNeeds: ['BackendConfig', 'FrontendConfig', 'IngressClass', 'cluster'],
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
      '{{service}} is of type {{type}} with no cloud.google.com/neg annotation: it works behind a GCE Ingress only if GKE adds that annotation on creation, and that cannot be decided before apply: the cluster was not read.',
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
    frontendConfigUnread: '{{ingress}} names FrontendConfig {{name}} ({{key}}), which could not be read ({{reason}}): whether it exists is not known.',
    frontendConfigMissing: '{{ingress}} names FrontendConfig {{name}} ({{key}}), which does not exist in namespace {{namespace}}.',
    ingressClassNameIgnored:
      '{{ingress}} sets spec.ingressClassName: {{className}} and no {{annotation}} annotation: GKE\'s ingress controller does not read spec.ingressClassName, so nothing serves this Ingress and it never gets a load balancer.',
    ingressClassNameBesideAnnotation:
      '{{ingress}} sets spec.ingressClassName: {{className}} next to {{annotation}}: {{annotationClass}}. GKE\'s controller reads only the annotation: if it is removed (say, to move to ingressClassName), the controller stops serving the Ingress and deletes its load balancer.',
    defaultClassStamped:
      '{{ingress}} carries annotations only GKE\'s ingress controller reads ({{annotations}}) but has spec.ingressClassName: {{className}}. IngressClass {{className}} is marked default ({{defaultAnnotation}}: "true"), so Kubernetes\' DefaultIngressClass admission plugin wrote its name into this Ingress, created without a class: GKE\'s controller ignores an Ingress with spec.ingressClassName, and it never gets a Google Cloud load balancer.',
    defaultClassWillStamp:
      '{{ingress}} has no class, and IngressClass {{className}} is marked default ({{defaultAnnotation}}: "true"): on creation Kubernetes\' DefaultIngressClass admission plugin will write spec.ingressClassName: {{className}} into it, and GKE\'s ingress controller ignores an Ingress with spec.ingressClassName.',
    undecided: 'Whether {{resource}} is valid for the GKE ingress controller cannot be decided before apply: {{unknown}}.',
    fixEditIngress: 'Edit the Ingress: {{what}}.',
    fixNeg: 'Use container-native load balancing for the Service (the annotation below; NEGs need a VPC-native cluster), or make it a NodePort Service.',
    fixNodePort: 'Make the Service a NodePort Service (NEGs need a VPC-native cluster).',
    fixBackendConfigAnnotation: 'Set the annotation to JSON naming a BackendConfig for the default or per port, e.g. {"default": "NAME"} or {"ports": {"PORT": "NAME"}}.',
    fixBackendConfigMissing: 'Create BackendConfig {{name}} in namespace {{namespace}}, or correct the name in the Service annotation.',
    fixTimeout: 'Make timeoutSec at most checkIntervalSec.',
    fixAppProtocol: 'Use only HTTP, HTTPS or HTTP2 (upper case) as protocols in the annotation.',
    fixRemoveFrontendConfig: 'Remove the FrontendConfig annotation from the internal Ingress.',
    fixReadConfig: 'Let gke-doctor list {{resource}} (or read the object yourself), then run it again.',
    fixFrontendConfigMissing: 'Create FrontendConfig {{name}} in namespace {{namespace}}, or remove or correct the annotation.',
    fixIngressClassName: 'Remove spec.ingressClassName and select GKE\'s controller with the {{annotation}} annotation.',
    fixDefaultClass:
      'Give the Ingress to GKE\'s controller (set {{annotation}}: gce, remove spec.ingressClassName), and stop marking IngressClass {{className}} default so the next Ingress created without a class is not taken from GKE too.',
    fixDefaultClassBeforeApply: 'If the Ingress is meant for GKE\'s controller, set the {{annotation}}: gce annotation in its manifest: the admission plugin leaves an Ingress with that annotation alone.',
    fixRemoveIngressClassName: 'Keep the annotation; remove spec.ingressClassName so nobody mistakes it for what selects the controller.',
  },
  run(state: ClusterState, context): CheckResult {
    const findings: Finding[] = [];
    const examined = new Set<string>();
    const run: RunContext = { state, context, resolver: new IngressBackendResolver(state), vpcNative: isVpcNative(state.cluster), checkedServices: new Set(), checkedBackendConfigs: new Set(), findings };
    // An Ingress being deleted no longer gets a load balancer: what holds it belongs to the namespace diagnosis.
    for (const ingress of state.kubernetes.list('Ingress').filter((candidate) => !candidate.metadata?.deletionTimestamp)) {
      const resource = kubernetesResourceName({ kind: 'Ingress', metadata: ingress.metadata });
      const namespace = ingress.metadata?.namespace ?? 'default';
      const on: IngressContext = {
        ingress,
        resource,
        namespace,
        editIngress: `kubectl -n ${namespace} edit ingress ${ingress.metadata?.name}`,
        add: (severity, messageId, data, summary, commands, target = resource, evidence = data) =>
          findings.push(context.report({ messageId, severity, data, resource: target, evidence: { ingress: resource, ...evidence }, fix: { summary, commands, terraform: null, automatic: false } })),
      };
      const unknown = unknownIngressFields(state, ingress);
      if (unknown.length > 0) {
        // An Ingress whose class or spec is known only after apply: nothing about it is guessed.
        if (isGceIngress(ingress)) findings.push(undecidedFinding(state, resource, unknown, context));
        examined.add(resource);
        continue;
      }
      if (checkDefaultClass(on, state)) examined.add(resource);
      const classVerdict = checkIngressClassName(on);
      if (classVerdict !== 'none') examined.add(resource);
      if (classVerdict === 'not-served' || !isGceIngress(ingress)) continue;
      examined.add(resource);
      checkRules(on);
      checkFrontendConfig(on, state);
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
  vpcNative: boolean | undefined;
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
  add(severity: Severity, messageId: MessageId, data: MessageData, summary: string, commands: string[], target?: string, evidence?: MessageData): void;
}

/** spec.ingressClassName next to or instead of a GCE class annotation; `not-served` when nothing serves the Ingress. */
function checkIngressClassName({ ingress, resource, namespace, add }: IngressContext): 'none' | 'not-served' | 'redundant' {
  const classFinding = ingressClassNameUse(ingress);
  if (!classFinding) return 'none';
  const removeField = `kubectl -n ${namespace} patch ingress ${ingress.metadata?.name} --type json -p '[{"op":"remove","path":"/spec/ingressClassName"}]'`;
  if (classFinding.ignored) {
    add('error', 'ingressClassNameIgnored', { ingress: resource, className: classFinding.className, annotation: INGRESS_CLASS_ANNOTATION }, text('fixIngressClassName', { annotation: INGRESS_CLASS_ANNOTATION }), [
      removeField,
      `kubectl -n ${namespace} annotate ingress ${ingress.metadata?.name} ${INGRESS_CLASS_ANNOTATION}=${classFinding.className}`,
    ]);
    return 'not-served';
  }
  // Harmless today, a trap later: without a GCE annotation the controller treats the Ingress as not its own
  // and garbage-collects its load balancer (ingress-gce pkg/utils/utils.go IsGCEIngress, NeedsCleanup).
  add('info', 'ingressClassNameBesideAnnotation', { ingress: resource, className: classFinding.className, annotation: INGRESS_CLASS_ANNOTATION, annotationClass: classFinding.annotationClass ?? '' }, text('fixRemoveIngressClassName'), [removeField]);
  return 'redundant';
}

/**
 * The default IngressClass taking an Ingress meant for GKE away from it (kubernetes
 * plugin/pkg/admission/network/defaultingressclass): in the cluster, an Ingress stamped with it;
 * before apply, a class-less Ingress it will stamp.
 */
function checkDefaultClass({ ingress, resource, namespace, add }: IngressContext, state: ClusterState): boolean {
  const stamp = defaultClassStamp(ingress, state.kubernetes.list('IngressClass'), state.locations.has(resource));
  if (!stamp) return false;
  const data = { ingress: resource, className: stamp.className, defaultAnnotation: DEFAULT_INGRESS_CLASS_ANNOTATION };
  if (stamp.beforeApply) {
    add('warning', 'defaultClassWillStamp', data, text('fixDefaultClassBeforeApply', { annotation: INGRESS_CLASS_ANNOTATION }), []);
    return true;
  }
  const name = ingress.metadata?.name;
  add('warning', 'defaultClassStamped', { ...data, annotations: stamp.gceAnnotations.join(', ') }, text('fixDefaultClass', { annotation: INGRESS_CLASS_ANNOTATION, className: stamp.className }), [
    `kubectl -n ${namespace} annotate ingress ${name} ${INGRESS_CLASS_ANNOTATION}=gce`,
    `kubectl -n ${namespace} patch ingress ${name} --type json -p '[{"op":"remove","path":"/spec/ingressClassName"}]'`,
    `kubectl annotate ingressclass ${stamp.className} ${DEFAULT_INGRESS_CLASS_ANNOTATION}-`,
  ], resource, { ...data, gceOnlyAnnotations: stamp.gceAnnotations.join(', ') });
  return true;
}

/** Rules without http, and several rules for one host (check-gke-ingress CheckIngressRule, CheckRuleHostOverwrite). */
function checkRules({ ingress, add, editIngress }: IngressContext): void {
  const rules = ingress.spec?.rules ?? [];
  const byHost = new Map<string, number[]>();
  rules.forEach((rule, index) => {
    if (!rule.http) add('warning', 'ruleWithoutHttp', { field: `spec.rules[${index}]`, host: rule.host ?? '' }, text('fixEditIngress', { what: `give spec.rules[${index}] http.paths, or remove it` }), [editIngress]);
    byHost.set(rule.host ?? '', [...(byHost.get(rule.host ?? '') ?? []), index]);
  });
  for (const [host, indexes] of byHost) {
    if (indexes.length < 2) continue;
    add('error', 'duplicateHost', { rules: indexes.map((index) => `spec.rules[${index}]`).join(', '), host }, text('fixEditIngress', { what: `merge the paths of the rules for host "${host}" into one rule` }), [editIngress]);
  }
}

/** The FrontendConfig an Ingress names (CheckFrontendConfigExistence, CheckL7ILBFrontendConfig). */
function checkFrontendConfig({ ingress, resource, namespace, add }: IngressContext, state: ClusterState): void {
  const frontendConfig = ingress.metadata?.annotations?.[FRONTEND_CONFIG_ANNOTATION];
  if (frontendConfig === undefined) return;
  const removeAnnotation = `kubectl -n ${namespace} annotate ingress ${ingress.metadata?.name} ${FRONTEND_CONFIG_ANNOTATION}-`;
  if (isInternalIngress(ingress)) {
    add('warning', 'internalWithFrontendConfig', { ingress: resource, annotation: INGRESS_CLASS_ANNOTATION, name: frontendConfig }, text('fixRemoveFrontendConfig'), [removeAnnotation]);
  } else if (state.unavailable.has('FrontendConfig')) {
    add('warning', 'frontendConfigUnread', { ingress: resource, name: frontendConfig, key: FRONTEND_CONFIG_ANNOTATION, reason: state.unavailable.get('FrontendConfig')! }, text('fixReadConfig', { resource: 'frontendconfigs.networking.gke.io' }), [
      `kubectl -n ${namespace} get frontendconfig ${frontendConfig} -o yaml`,
    ]);
  } else if (!state.kubernetes.get('FrontendConfig', namespace, frontendConfig)) {
    add('error', 'frontendConfigMissing', { ingress: resource, name: frontendConfig, key: FRONTEND_CONFIG_ANNOTATION, namespace }, text('fixFrontendConfigMissing', { name: frontendConfig, namespace }), [
      `kubectl -n ${namespace} get frontendconfigs`,
      removeAnnotation,
    ]);
  }
}

/** Each backend's Service, port, NEGs and BackendConfig (CheckServiceExistence, CheckL7ILBNegAnnotation, translator.go getServicePort). */
function checkBackends(on: IngressContext, run: RunContext): void {
  const { ingress, resource, namespace, add, editIngress } = on;
  // Internal and regional external load balancers have only NEG backends (ingress-gce pkg/neg/controller.go:
  // "ILB always has neg enabled", "Regional XLB always has neg enabled"; check-gke-ingress CheckL7ILBNegAnnotation).
  const negOnly = requiresNegs(ingress);
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
    const neg = negDecisionFor(service, run.state, false);
    if (negOnly && !neg.enabled) {
      const ingressClass = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] ?? '';
      const kind = ingressClass === INTERNAL_INGRESS_CLASS ? 'internal' : 'regional external';
      add(neg.certain ? 'error' : 'warning', kind === 'internal' ? 'internalWithoutNeg' : 'regionalExternalWithoutNeg', { ingress: resource, kind, ingressClass, service: serviceResource, neg: neg.origin }, text('fixNeg'), [negCommand(service)]);
    }
    if (!run.checkedServices.has(serviceKey)) {
      run.checkedServices.add(serviceKey);
      run.findings.push(...serviceFindings(service, serviceResource, run, negOnly));
    }
    checkBackendConfig(on, run, service, backend.servicePort, serviceResource);
  }
}

/** The BackendConfig a Service port names: it exists, and its health check timeout fits its interval (CheckHealthCheckTimeout). */
function checkBackendConfig({ namespace, add }: IngressContext, run: RunContext, service: Service, servicePort: ServicePort, serviceResource: string): void {
  const refs = backendConfigRefs(service);
  if (refs.ok !== true) return;
  const name = backendConfigNameFor(refs.value, servicePort);
  if (!name || run.checkedBackendConfigs.has(`${namespace}/${name}`)) return;
  run.checkedBackendConfigs.add(`${namespace}/${name}`);
  const unread = run.state.unavailable.get('BackendConfig');
  if (unread) {
    const data = { service: serviceResource, port: describeServicePortRef({ number: servicePort.port }), name, key: refs.key, reason: unread };
    add('warning', 'backendConfigUnread', data, text('fixReadConfig', { resource: 'backendconfigs.cloud.google.com' }), [`kubectl -n ${namespace} get backendconfig ${name} -o yaml`], serviceResource);
    return;
  }
  const backendConfig = run.state.kubernetes.get('BackendConfig', namespace, name);
  if (!backendConfig) {
    const existing = run.state.kubernetes.inNamespace(namespace).filter((object) => object.kind === 'BackendConfig').map((object) => object.metadata?.name);
    const data = { service: serviceResource, port: describeServicePortRef({ number: servicePort.port }), name, key: refs.key, namespace };
    // The evidence keeps the clause the message once carried.
    const evidence = { ...data, existing: existing.length > 0 ? ` (it has ${existing.join(', ')})` : '' };
    add(
      'error',
      existing.length > 0 ? 'backendConfigMissingAmong' : 'backendConfigMissing',
      { ...data, existing: existing.join(', ') },
      text('fixBackendConfigMissing', { name, namespace }),
      [`kubectl -n ${namespace} get backendconfigs`, `kubectl -n ${namespace} edit service ${service.metadata?.name}`],
      serviceResource,
      evidence,
    );
    return;
  }
  const healthCheck = backendConfig.spec?.healthCheck;
  if (healthCheck?.timeoutSec !== undefined && healthCheck.checkIntervalSec !== undefined && healthCheck.timeoutSec > healthCheck.checkIntervalSec) {
    add('error', 'timeoutAboveInterval', { name: `${namespace}/${name}`, timeout: healthCheck.timeoutSec, interval: healthCheck.checkIntervalSec }, text('fixTimeout'), [
      `kubectl -n ${namespace} patch backendconfig ${name} --type merge -p '${JSON.stringify({ spec: { healthCheck: { timeoutSec: healthCheck.checkIntervalSec } } })}'`,
    ], `BackendConfig/${namespace}/${name}`);
  }
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

/** Service-level rules: app-protocols and BackendConfig annotations (CheckAppProtocolAnnotation, CheckBackendConfigAnnotation), type and NEGs. */
function serviceFindings(service: Service, resource: string, { state, vpcNative, context }: RunContext, negOnly: boolean): Finding[] {
  const findings: Finding[] = [];
  const finding = (severity: Severity, messageId: MessageId, data: MessageData, summary: string, commands: string[], evidence: Record<string, unknown>): Finding =>
    context.report({ messageId, severity, data, resource, evidence, fix: { summary, commands, terraform: null, automatic: false } });

  const protocols = appProtocols(service);
  if (protocols.ok === false) {
    const raw = service.metadata?.annotations?.[protocols.key] ?? '';
    findings.push(finding('error', 'appProtocolInvalid', { service: resource, error: protocols.error }, text('fixAppProtocol'), appProtocolCommands(service), { annotation: protocols.key, value: raw }));
  }
  const refs = backendConfigRefs(service);
  if (refs.ok === false) {
    const raw = service.metadata?.annotations?.[refs.key] ?? '';
    findings.push(finding('error', 'backendConfigAnnotationInvalid', { service: resource, error: refs.error }, text('fixBackendConfigAnnotation'), [editServiceCommand(service)], { annotation: refs.key, value: raw }));
  }
  const type = service.spec?.type ?? 'ClusterIP';
  const neg = negDecisionFor(service, state, false);
  // translator.go maybeEnableNEG: ErrBadSvcType. NEG-only (internal, regional external) Ingresses get their own NEG finding.
  if (!negOnly && !neg.enabled && type !== 'NodePort' && type !== 'LoadBalancer') {
    const commands = [vpcNative === false ? nodePortCommand(service) : negCommand(service)];
    const summary = vpcNative === false ? text('fixNodePort') : text('fixNeg');
    const evidence = { type, neg: neg.origin };
    findings.push(
      neg.certain
        ? finding('error', 'notNodePortNorNeg', { service: resource, type, neg: neg.origin }, summary, commands, evidence)
        : finding('warning', 'negUnknown', { service: resource, type }, summary, commands, evidence),
    );
  }
  return findings;
}

export default ingressConfig;
