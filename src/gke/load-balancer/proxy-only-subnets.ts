import type { Cluster, Subnetwork } from '../../state/gcp-types.js';

/**
 * Where a load balancer runs, which decides the proxy-only subnet it needs: regional (internal or
 * external) Application Load Balancers one of their region, cross-region internal ones a
 * GLOBAL_MANAGED_PROXY one; global external ones none. A GKE GatewayClass carries the same (GkeGatewayClass).
 */
export interface LoadBalancerScope {
  scope: 'global' | 'regional' | 'cross-regional';
  internal: boolean;
}

/**
 * The subnet purposes that serve as a load balancer's proxy-only subnet. Regional Application Load
 * Balancers use REGIONAL_MANAGED_PROXY (internal ones also accept the older
 * INTERNAL_HTTPS_LOAD_BALANCER: ingress-gce pkg/loadbalancers/features/l7ilb.go takes either);
 * cross-region internal ones use GLOBAL_MANAGED_PROXY
 * (https://cloud.google.com/load-balancing/docs/proxy-only-subnets).
 */
export function proxyOnlySubnetPurposes(balancer: LoadBalancerScope): string[] {
  if (balancer.scope === 'cross-regional') return ['GLOBAL_MANAGED_PROXY'];
  if (balancer.scope === 'regional') return balancer.internal ? ['REGIONAL_MANAGED_PROXY', 'INTERNAL_HTTPS_LOAD_BALANCER'] : ['REGIONAL_MANAGED_PROXY'];
  return [];
}

/** The cluster's region: its location, or the region of its zone. */
export function clusterRegion(cluster: Cluster): string | undefined {
  const location = cluster.location ?? cluster.zone ?? undefined;
  if (!location) return undefined;
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location) ? location.slice(0, -2) : location;
}

/** `projects/P/global/networks/N`, whether written as a full URL or a relative name. */
export function networkPath(network: string | null | undefined): string | undefined {
  return /projects\/[^/]+\/global\/networks\/[^/]+$/.exec(network ?? '')?.[0];
}

/**
 * An active proxy-only subnet for the load balancer in the cluster's region and network, as
 * ingress-gce ILBSubnetSourceRange picks one: role ACTIVE, a proxy purpose, same network.
 */
export function proxyOnlySubnetFor(subnets: readonly Subnetwork[], balancer: LoadBalancerScope, region: string, network: string | undefined): Subnetwork | undefined {
  const purposes = proxyOnlySubnetPurposes(balancer);
  return subnets.find(
    (subnet) =>
      purposes.includes(subnet.purpose ?? '') &&
      subnet.role === 'ACTIVE' &&
      (subnet.region ?? '').endsWith(`/regions/${region}`) &&
      (network === undefined || networkPath(subnet.network) === network),
  );
}

/** The commands and Terraform that create the proxy-only subnet a load balancer needs; checking for one first, as there is one per region and network. */
export function proxyOnlySubnetFix(project: string | null, balancer: LoadBalancerScope, region: string | undefined, network: string | undefined, summary: string) {
  const purpose = proxyOnlySubnetPurposes(balancer)[0]!;
  const networkName = network?.split('/').pop() ?? 'NETWORK';
  const projectFlag = project ? ` --project ${project}` : '';
  const regionText = region ?? 'REGION';
  return {
    summary,
    commands: [
      `gcloud compute networks subnets list${projectFlag} --filter="purpose=${purpose} AND region:${regionText}"   # check first: one per region and network`,
      `gcloud compute networks subnets create proxy-only-${regionText}${projectFlag} --purpose=${purpose} --role=ACTIVE --region=${regionText} --network=${networkName} --range=CIDR_RANGE`,
    ],
    terraform: [
      `resource "google_compute_subnetwork" "proxy_only_${regionText.replace(/-/g, '_')}" {`,
      `  name          = "proxy-only-${regionText}"`,
      `  region        = "${regionText}"`,
      `  network       = "${networkName}"`,
      `  purpose       = "${purpose}"`,
      '  role          = "ACTIVE"',
      '  ip_cidr_range = "CIDR_RANGE"',
      '}',
    ].join('\n'),
    automatic: false as const,
  };
}
