import type { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import type { container_v1 } from '@googleapis/container';

// The REST API's own types from Google's generated clients: only the types are used
// (erased at build); the live source reads with google-auth-library's authorized request.

/** `gcloud container clusters describe --format=json`: container v1 Cluster. */
export type Cluster = container_v1.Schema$Cluster;

/** `networkConfig.gatewayApiConfig.channel`: CHANNEL_STANDARD, CHANNEL_EXPERIMENTAL, CHANNEL_DISABLED, or unset. */
export type GatewayApiChannel = NonNullable<NonNullable<NonNullable<Cluster['networkConfig']>['gatewayApiConfig']>['channel']>;

/** `gcloud projects get-iam-policy --format=json`: an IAM v1 Policy. */
export type IamPolicy = cloudresourcemanager_v3.Schema$Policy;
export type IamBinding = cloudresourcemanager_v3.Schema$Binding;

/** `gcloud projects describe --format=json`: cloudresourcemanager v1 Project, which the live source reads. */
export interface Project {
  projectId: string;
  projectNumber: string;
  name?: string;
  lifecycleState?: string;
  createTime?: string;
  labels?: Record<string, string>;
  parent?: { type: string; id: string };
}

/** Eventarc v1 REST Trigger (https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers). */
export interface EventarcTrigger {
  name: string;
  uid?: string;
  createTime?: string;
  updateTime?: string;
  eventFilters?: { attribute: string; value: string; operator?: string }[];
  serviceAccount?: string;
  destination?: {
    cloudRun?: { service: string; path?: string; region: string };
    cloudFunction?: string;
    gke?: { cluster: string; location: string; namespace: string; service: string; path?: string };
    workflow?: string;
    httpEndpoint?: { uri: string };
    networkConfig?: { networkAttachment: string };
  };
  transport?: { pubsub?: { topic?: string; subscription?: string } };
  labels?: Record<string, string>;
  channel?: string;
  conditions?: Record<string, { code?: string; message?: string }>;
  eventDataContentType?: string;
  satisfiesPzs?: boolean;
  etag?: string;
}

/** Compute v1 HealthCheck, the fields gke-doctor reads. */
export interface HealthCheck {
  id?: string;
  name: string;
  selfLink?: string;
  region?: string;
  description?: string;
  type?: string;
  checkIntervalSec?: number;
  timeoutSec?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  httpHealthCheck?: ProtocolHealthCheck;
  httpsHealthCheck?: ProtocolHealthCheck;
  http2HealthCheck?: ProtocolHealthCheck;
  tcpHealthCheck?: { port?: number; portSpecification?: string };
}

export interface ProtocolHealthCheck {
  port?: number;
  portName?: string;
  portSpecification?: string;
  requestPath?: string;
  host?: string;
  proxyHeader?: string;
  response?: string;
}

/** Compute v1 Subnetwork (`gcloud compute networks subnets list --format=json`), the fields gke-doctor reads. */
export interface Subnetwork {
  id?: string;
  name: string;
  selfLink?: string;
  network?: string;
  region?: string;
  ipCidrRange?: string;
  /** PRIVATE, REGIONAL_MANAGED_PROXY, GLOBAL_MANAGED_PROXY, INTERNAL_HTTPS_LOAD_BALANCER, … */
  purpose?: string;
  /** For proxy-only subnets: ACTIVE or BACKUP. */
  role?: string;
  state?: string;
}

/** Compute v1 BackendService, the fields gke-doctor reads. */
export interface BackendService {
  id?: string;
  name: string;
  selfLink?: string;
  region?: string;
  description?: string;
  protocol?: string;
  port?: number;
  portName?: string;
  healthChecks?: string[];
  backends?: { group?: string; balancingMode?: string }[];
  loadBalancingScheme?: string;
}

/**
 * One endpoint's health as Compute sees it (compute v1 HealthStatus, in `backendServices.getHealth`):
 * `healthState` HEALTHY or UNHEALTHY, the instance, and for NEG endpoints the Pod IP and port.
 */
export interface HealthStatus {
  healthState?: string;
  instance?: string;
  ipAddress?: string;
  port?: number;
  forwardingRule?: string;
  forwardingRuleIp?: string;
  weightError?: string;
  annotations?: Record<string, string>;
}

/** One backend group's health: an element of what `gcloud compute backend-services get-health NAME --format=json` prints. */
export interface BackendGroupHealth {
  /** The instance group or NEG URL. */
  backend: string;
  /** compute v1 BackendServiceGroupHealth. */
  status: { healthStatus?: HealthStatus[]; kind?: string; annotations?: Record<string, string> };
}

/** `compute/backend-health.json`: one entry per backend service, named, with what `get-health` printed for it (`region` for a regional one). */
export interface BackendServiceHealth {
  backendService: string;
  region?: string;
  health: BackendGroupHealth[];
}

/** A custom role, as `gcloud iam roles describe ROLE_ID --project=P --format=json` prints it (IAM v1 Role, roles.get). */
export interface IamRole {
  name: string;
  title?: string;
  description?: string;
  includedPermissions?: string[];
  stage?: string;
  etag?: string;
  deleted?: boolean;
}

/** Pub/Sub v1 Topic (`gcloud pubsub topics list --format=json`, topics.get), the fields gke-doctor reads. */
export interface PubsubTopic {
  name: string;
  labels?: Record<string, string>;
}

/** Pub/Sub v1 Subscription (`gcloud pubsub subscriptions list --format=json`, subscriptions.get); `topic` is `_deleted-topic_` once its topic is deleted. */
export interface PubsubSubscription {
  name: string;
  topic?: string;
  state?: string;
  labels?: Record<string, string>;
}

/** One `allowed` or `denied` entry of a VPC firewall rule: a protocol (`tcp`, `all`, or its number) and its ports (`"80"`, `"30000-32767"`; none means every port). */
export interface FirewallProtocolPorts {
  IPProtocol?: string;
  ports?: string[];
}

/**
 * Compute v1 Firewall, a VPC firewall rule (`gcloud compute firewall-rules list --format=json`,
 * https://cloud.google.com/compute/docs/reference/rest/v1/firewalls), the fields gke-doctor reads.
 */
export interface Firewall {
  id?: string;
  name: string;
  selfLink?: string;
  network?: string;
  description?: string;
  /** 0 (first) to 65535; 1000 when not set. */
  priority?: number;
  /** INGRESS (the default) or EGRESS. */
  direction?: string;
  disabled?: boolean;
  sourceRanges?: string[];
  sourceTags?: string[];
  sourceServiceAccounts?: string[];
  destinationRanges?: string[];
  targetTags?: string[];
  targetServiceAccounts?: string[];
  allowed?: FirewallProtocolPorts[];
  denied?: FirewallProtocolPorts[];
}

/** A rule of a hierarchical or network firewall policy (Compute v1 FirewallPolicyRule), the fields gke-doctor reads. */
export interface FirewallPolicyRule {
  priority?: number;
  description?: string;
  ruleName?: string;
  /** allow, deny, goto_next, apply_security_profile_group. */
  action?: string;
  direction?: string;
  disabled?: boolean;
  match?: {
    srcIpRanges?: string[];
    destIpRanges?: string[];
    layer4Configs?: { ipProtocol?: string; ports?: string[] }[];
    srcSecureTags?: { name?: string }[];
    srcAddressGroups?: string[];
    srcFqdns?: string[];
    srcRegionCodes?: string[];
    srcThreatIntelligences?: string[];
  };
  targetServiceAccounts?: string[];
  targetSecureTags?: { name?: string }[];
  targetResources?: string[];
}

/**
 * One firewall policy of `networks.getEffectiveFirewalls` or `regionNetworkFirewallPolicies.getEffectiveFirewalls`:
 * HIERARCHY (organization or folder), NETWORK (global network policy), NETWORK_REGIONAL, SYSTEM_GLOBAL, SYSTEM_REGIONAL
 * (https://cloud.google.com/compute/docs/reference/rest/v1/regionNetworkFirewallPolicies/getEffectiveFirewalls).
 */
export interface EffectiveFirewallPolicy {
  name?: string;
  shortName?: string;
  displayName?: string;
  type?: string;
  priority?: number;
  rules?: FirewallPolicyRule[];
}

/**
 * `gcloud compute networks get-effective-firewalls NETWORK --format=json`: Compute v1
 * NetworksGetEffectiveFirewallsResponse, the VPC firewall rules and the hierarchical and global
 * network firewall policies that apply to the network
 * (https://cloud.google.com/compute/docs/reference/rest/v1/networks/getEffectiveFirewalls).
 */
export interface EffectiveFirewalls {
  firewalls?: Firewall[];
  firewallPolicys?: EffectiveFirewallPolicy[];
}

/**
 * `gcloud compute networks describe NETWORK --format=json`: Compute v1 Network
 * (https://cloud.google.com/compute/docs/reference/rest/v1/networks). `networkFirewallPolicyEnforcementOrder`
 * is AFTER_CLASSIC_FIREWALL (the default) or BEFORE_CLASSIC_FIREWALL.
 */
export interface Network {
  name: string;
  selfLink?: string;
  networkFirewallPolicyEnforcementOrder?: string;
}
