import type { KubeObject } from '../../state/kubernetes-types.js';
import type { ControllerWorkload } from './controller-pods.js';

/**
 * Finalizers of operators that run as workloads in the cluster: who removes each, how to tell
 * whether it runs (the labels their install manifests put on its Pods), and what removing the
 * finalizer by hand costs. Each string is the project's own constant, cited beside it.
 *
 * Left out, for want of a source: Backup for GKE (its agent and its ProtectedApplication
 * finalizers are not published), Crossplane managed resources' finalizer.managedresource.crossplane.io
 * (crossplane-runtime pkg/reconciler/managed: which provider's Pods serve a kind is in its
 * ProviderRevision, which is not read), Velero's node-agent finalizers (velero.io/pod-volume-finalizer,
 * velero.io/data-upload-download-finalizer: the node-agent's Pod labels were not checked).
 */
export interface OperatorFinalizer {
  finalizer: string;
  owner: string;
  source: string;
  /** Where the controller that removes it runs, for this object. */
  workload: (object: KubeObject) => ControllerWorkload;
  /** What removing the finalizer by hand skips, for this object. */
  stripping: (object: KubeObject) => string;
}

const CONFIG_CONNECTOR = 'GoogleCloudPlatform/k8s-config-connector pkg/k8s/constants.go';
const CERT_MANAGER = 'cert-manager/cert-manager pkg/apis/acme/v1/const.go; pkg/controller/acmechallenges/sync.go';
const CROSSPLANE = 'crossplane/crossplane internal/controller/apiextensions';
const ESO = 'external-secrets/external-secrets pkg/controllers';
const CONFIG_SYNC = 'GoogleContainerTools/kpt-config-sync pkg/metadata/finalizers.go';

/** Config Connector's controller manager: StatefulSet cnrm-controller-manager (cluster mode; cnrm-controller-manager-ID per namespace in namespaced mode), operator/channels manifests. */
const cnrmControllerManager = (): ControllerWorkload => ({
  describe: 'StatefulSet cnrm-controller-manager (namespace cnrm-system)',
  namespace: 'cnrm-system',
  podLabels: { 'cnrm.cloud.google.com/component': 'cnrm-controller-manager' },
});
const cnrmDeletionDefender = (): ControllerWorkload => ({ describe: 'StatefulSet cnrm-deletiondefender (namespace cnrm-system)', namespace: 'cnrm-system', podLabels: {}, podNamePrefix: 'cnrm-deletiondefender-' });
const certManager = (): ControllerWorkload => ({
  describe: "cert-manager's controller (Deployment cert-manager)",
  podLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
});
const crossplane = (): ControllerWorkload => ({ describe: 'Deployment crossplane', podLabels: { app: 'crossplane' } });
const externalSecrets = (): ControllerWorkload => ({ describe: 'Deployment external-secrets', podLabels: { 'app.kubernetes.io/name': 'external-secrets' } });
const reconcilerManager = (): ControllerWorkload => ({ describe: 'Deployment reconciler-manager (namespace config-management-system)', namespace: 'config-management-system', podLabels: { app: 'reconciler-manager' } });

/** kpt-config-sync pkg/core/names.go NsReconcilerName / RootReconcilerName: the reconciler of one RepoSync or RootSync. */
function syncReconciler(object: KubeObject): ControllerWorkload {
  const name = object.metadata?.name ?? '?';
  const namespace = object.metadata?.namespace ?? '';
  const reconciler =
    object.kind === 'RootSync' ? (name === 'root-sync' ? 'root-reconciler' : `root-reconciler-${name}`) : name === 'repo-sync' ? `ns-reconciler-${namespace}` : `ns-reconciler-${namespace}-${name}-${name.length}`;
  return { describe: `Deployment ${reconciler} (namespace config-management-system)`, namespace: 'config-management-system', podLabels: { 'configsync.gke.io/reconciler': reconciler } };
}

/** The Google Cloud resource a Config Connector object stands for, and whether deleting it was meant to leave it. */
function configConnectorStripping(object: KubeObject): string {
  const policy = object.metadata?.annotations?.['cnrm.cloud.google.com/deletion-policy'];
  if (policy === 'abandon') return 'the Google Cloud resource stays, as its cnrm.cloud.google.com/deletion-policy: abandon asked';
  return `the Google Cloud resource behind ${object.kind} ${object.metadata?.name} is not deleted and no longer managed: it is orphaned and keeps running (and billing) until deleted in Google Cloud (Config Connector deletes it unless the object is annotated cnrm.cloud.google.com/deletion-policy: abandon)`;
}

export const OPERATOR_FINALIZERS: readonly OperatorFinalizer[] = [
  {
    finalizer: 'cnrm.cloud.google.com/finalizer',
    owner: "Config Connector's controller manager, after deleting the Google Cloud resource",
    source: `${CONFIG_CONNECTOR} ControllerFinalizerName`,
    workload: cnrmControllerManager,
    stripping: configConnectorStripping,
  },
  {
    finalizer: 'cnrm.cloud.google.com/deletion-defender',
    owner: "Config Connector's deletion defender, which holds it while the kind's CRD is being uninstalled",
    source: `${CONFIG_CONNECTOR} DeletionDefenderFinalizerName`,
    workload: cnrmDeletionDefender,
    stripping: () => 'nothing by itself: it only keeps the object (and its Google Cloud resource) while its CRD is being uninstalled; cnrm.cloud.google.com/finalizer still decides what happens to the resource',
  },
  ...['finalizer.acme.cert-manager.io', 'acme.cert-manager.io/finalizer'].map((finalizer) => ({
    finalizer,
    owner: "cert-manager's controller, after cleaning up the ACME challenge",
    source: `${CERT_MANAGER} ${finalizer.startsWith('finalizer.') ? 'ACMELegacyFinalizer' : 'ACMEDomainQualifiedFinalizer'}`,
    workload: certManager,
    stripping: () => "the challenge's solver is not cleaned up: a DNS-01 TXT record stays in the DNS zone",
  })),
  {
    finalizer: 'finalizer.apiextensions.crossplane.io',
    owner: 'Crossplane, after deleting the claim\'s composite resource',
    source: `${CROSSPLANE}/claim/reconciler.go finalizer`,
    workload: crossplane,
    stripping: () => 'the composite resource it claimed is not deleted: it and the managed resources it composed (with their cloud resources) stay',
  },
  {
    finalizer: 'composite.apiextensions.crossplane.io',
    owner: 'Crossplane, after deleting the composed resources',
    source: `${CROSSPLANE}/composite/reconciler.go finalizer`,
    workload: crossplane,
    stripping: () => 'the resources it composed (and their cloud resources) are not deleted',
  },
  {
    finalizer: 'usage.apiextensions.crossplane.io',
    owner: 'Crossplane, once the Usage no longer protects its resource',
    source: 'crossplane/crossplane internal/controller/protection/usage/reconciler.go finalizer',
    workload: crossplane,
    stripping: () => 'the deletion protection it put on the used resource is not lifted',
  },
  {
    // The in-cluster Istio operator was removed in Istio 1.24; its IstioOperators still carry this.
    finalizer: 'istio-finalizer.install.istio.io',
    owner: 'the Istio operator, after uninstalling the control plane',
    source: 'istio/istio operator/pkg/controller/istiocontrolplane/istiocontrolplane_controller.go finalizer; manifests/charts/istio-operator',
    workload: () => ({ describe: 'Deployment istio-operator', podLabels: { name: 'istio-operator' } }),
    stripping: () => 'the control plane it installed (istiod, gateways, their webhooks) is not uninstalled: istioctl uninstall removes it',
  },
  {
    finalizer: 'restores.velero.io/external-resources-finalizer',
    owner: "Velero's server, after deleting the restore's files in the backup storage location",
    source: 'vmware-tanzu/velero pkg/controller/restore_controller.go ExternalResourcesFinalizer; pkg/install/resources.go',
    workload: () => ({ describe: 'Deployment velero', podLabels: { component: 'velero', deploy: 'velero' } }),
    stripping: () => "the restore's logs and results stay in the backup storage location's bucket",
  },
  {
    finalizer: 'strimzi.io/topic-operator',
    owner: "Strimzi's Topic Operator, after deleting the topic in Kafka",
    source: 'strimzi/strimzi-kafka-operator topic-operator/src/main/java/io/strimzi/operator/topic/KubernetesHandler.java FINALIZER_STRIMZI_IO_TO; KafkaResources.entityOperatorDeploymentName',
    workload: (object) => {
      const cluster = object.metadata?.labels?.['strimzi.io/cluster'] ?? '?';
      return { describe: `the entity operator of Kafka cluster ${cluster} (Deployment ${cluster}-entity-operator)`, podLabels: { 'strimzi.io/name': `${cluster}-entity-operator` } };
    },
    stripping: () => 'the topic is not deleted from the Kafka cluster',
  },
  {
    finalizer: 'externalsecrets.external-secrets.io/externalsecret-cleanup',
    owner: 'the External Secrets Operator, after deleting the Secret it made (target.deletionPolicy: Delete)',
    source: `${ESO}/externalsecret/externalsecret_controller.go ExternalSecretFinalizer`,
    workload: externalSecrets,
    stripping: () => 'a Secret it made under deletionPolicy Delete is not deleted by it (the namespace controller still deletes what is in the namespace)',
  },
  {
    finalizer: 'pushsecret.externalsecrets.io/finalizer',
    owner: 'the External Secrets Operator, after deleting what the PushSecret pushed (deletionPolicy: Delete)',
    source: `${ESO}/pushsecret/pushsecret_controller.go pushSecretFinalizer`,
    workload: externalSecrets,
    stripping: () => 'the secrets it pushed stay in the external secret store',
  },
  {
    finalizer: 'secretstore.externalsecrets.io/finalizer',
    owner: 'the External Secrets Operator, once no PushSecret with deletionPolicy Delete uses the store',
    source: `${ESO}/secretstore/common.go secretStoreFinalizer`,
    workload: externalSecrets,
    stripping: () => 'PushSecrets with deletionPolicy Delete can no longer delete what they pushed through this store',
  },
  {
    finalizer: 'configsync.gke.io/reconciler-manager',
    owner: "Config Sync's reconciler-manager, after deleting the sync's reconciler",
    source: `${CONFIG_SYNC} ReconcilerManagerFinalizer`,
    workload: reconcilerManager,
    stripping: () => 'its reconciler Deployment and RBAC in config-management-system are left behind',
  },
  {
    finalizer: 'configsync.gke.io/reconciler',
    owner: "the sync's Config Sync reconciler, after deleting the objects it synced (deletion propagation Foreground)",
    source: `${CONFIG_SYNC} ReconcilerFinalizer; pkg/core/names.go`,
    workload: syncReconciler,
    stripping: () => 'the objects it synced are not deleted: they stay in the cluster, no longer managed',
  },
];

/**
 * knative/pkg's generated reconcilers name their finalizer after the resource, `PLURAL.GROUP`
 * (client/injection/*\/reconciler/*\/controller.go defaultFinalizerName); Knative Serving's kinds
 * are reconciled by its `controller` Deployment (knative/serving config/core/deployments/controller.yaml).
 */
function knativeServing(finalizer: string): OperatorFinalizer | undefined {
  if (!/^[a-z0-9-]+\.serving\.knative\.dev$/.test(finalizer)) return undefined;
  return {
    finalizer,
    owner: "Knative Serving's controller, after its FinalizeKind clean-up",
    source: 'knative/pkg client/injection reconciler controller.go defaultFinalizerName; knative/serving config/core/deployments/controller.yaml',
    workload: () => ({ describe: 'Deployment controller (namespace knative-serving)', namespace: 'knative-serving', podLabels: { app: 'controller' } }),
    stripping: () => "what Knative Serving's controller cleans up for it on deletion is skipped",
  };
}

export function operatorFinalizer(finalizer: string): OperatorFinalizer | undefined {
  return OPERATOR_FINALIZERS.find((candidate) => candidate.finalizer === finalizer) ?? knativeServing(finalizer);
}
