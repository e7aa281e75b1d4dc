import type { Service } from '../../state/kubernetes-types.js';
import { NEG_ANNOTATION, upperCasedAppProtocols } from './service-annotations.js';

// Commands that fix what GKE's ingress controller refuses in a backend Service.

/** `kubectl -n NAMESPACE VERB service NAME`. */
function kubectlService(verb: 'edit' | 'annotate' | 'patch', service: Service): string {
  return `kubectl -n ${service.metadata?.namespace ?? 'default'} ${verb} service ${service.metadata?.name ?? '?'}`;
}

export function editServiceCommand(service: Service): string {
  return kubectlService('edit', service);
}

/** Container-native load balancing for the Service's Ingress backends (translator.go maybeEnableNEG reads this annotation). */
export function negCommand(service: Service): string {
  return `${kubectlService('annotate', service)} ${NEG_ANNOTATION}='{"ingress": true}' --overwrite`;
}

/** Instance-group backends need a node port. */
export function nodePortCommand(service: Service): string {
  return `${kubectlService('patch', service)} -p '{"spec":{"type":"NodePort"}}'`;
}

/** The app-protocols annotation upper-cased when that alone makes it valid; else editing the Service. */
export function appProtocolCommands(service: Service): string[] {
  const fixed = upperCasedAppProtocols(service);
  return fixed ? [`${kubectlService('annotate', service)} ${fixed.key}='${JSON.stringify(fixed.value)}' --overwrite`] : [editServiceCommand(service)];
}
