import type { Check } from '../src/engine/check.js';
import eventarcGkeDelivery from './eventarc-gke-delivery.js';
import eventarcGkeIam from './eventarc-gke-iam.js';
import eventarcGkeTrigger from './eventarc-gke-trigger.js';
import gatewayConfig from './gateway-config.js';
import gatewayHealthCheck from './gateway-health-check.js';
import httpLoadBalancingAddon from './http-load-balancing-addon.js';
import ingressConfig from './ingress-config.js';
import gkeServiceAgent from './gke-service-agent.js';
import ingressHealthCheck from './ingress-health-check.js';
import loadBalancerFirewall from './load-balancer-firewall.js';
import loadBalancerEvents from './load-balancer-events.js';
import managedCertificates from './managed-certificates.js';
import terminatingNamespace from './terminating-namespace.js';

/** The built-in checks, in the order reports list them. */
export const builtinChecks: readonly Check[] = [
  // First: a project whose GKE service agent lost its role breaks everything the other checks look at.
  gkeServiceAgent,
  eventarcGkeIam,
  eventarcGkeTrigger,
  eventarcGkeDelivery,
  httpLoadBalancingAddon,
  ingressConfig,
  ingressHealthCheck,
  terminatingNamespace,
  gatewayConfig,
  gatewayHealthCheck,
  loadBalancerFirewall,
  loadBalancerEvents,
  managedCertificates,
];
