// The interface plugins write checks against (docs/plugins.md): the types of
// src/plugin-api.ts and the engine's runtime helpers. Its declarations name no dependency's
// types (each helper is typed with the plugin API's shapes): the package's dependencies are
// bundled, not installed.
import { fill as fillTemplate, format as formatTemplate } from './engine/check.js';
import { isGceIngress as isEngineGceIngress } from './gke/ingress/ingress-class.js';
import type { KubeObject, MessageData, KubernetesObjects as ObjectsByKind } from './plugin-api.js';
import { KubernetesObjects as EngineKubernetesObjects, kubernetesResourceName as resourceNameOf } from './state/cluster-state.js';

export * from './plugin-api.js';

/** Fills `{{name}}` placeholders; a missing one throws, naming `where`. */
export const fill: (template: string, data: MessageData, where?: string) => string = fillTemplate;

/** Fills the placeholders it has data for and leaves the others. */
export const format: (template: string, data: Record<string, string | number>) => string = formatTemplate;

/** `Kind/name` or `Kind/namespace/name`, as findings name Kubernetes objects. */
export const kubernetesResourceName: (object: { kind?: string; metadata?: { name?: string; namespace?: string } }) => string = resourceNameOf;

/** The Kubernetes objects that were read, by kind (the type of `state.kubernetes`). */
export type KubernetesObjects = ObjectsByKind;

/** Objects by kind, namespace and name (what `state.kubernetes` is), for a plugin's own tests. */
export const KubernetesObjects: new (objects?: Iterable<KubeObject>) => KubernetesObjects = EngineKubernetesObjects as never;

/** Whether the GCE ingress controller serves this Ingress (kubernetes/ingress-gce pkg/utils/utils.go IsGCEIngress). */
export const isGceIngress: (ingress: KubeObject) => boolean = isEngineGceIngress as never;
