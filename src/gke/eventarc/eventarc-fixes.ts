import type { Fix } from '../../engine/check.js';
import type { Cluster, IamPolicy } from '../../state/gcp-types.js';
import type { GkeTrigger } from './eventarc.js';
import { labelSelector } from './eventarc-destination.js';
import { parseTriggerName, triggerAccountRoles } from './eventarc.js';
import { dedicatedAccountId, grantCommand, grantTerraform, terraformName } from '../iam/iam.js';

/** Grants `roles` on `project` to `member`: a gcloud command and a Terraform block each (`label` names the blocks). */
export function grantFix(summary: string, project: string, policy: IamPolicy | undefined, member: string, roles: readonly string[], label: string): Fix {
  return {
    summary,
    commands: roles.map((role) => grantCommand(project, member, role, policy)),
    terraform: roles.map((role) => grantTerraform(project, member, role, terraformName(label, role))).join('\n\n'),
    automatic: false,
  };
}

/** `gcloud eventarc gke-destinations init` grants the Eventarc service agent all three roles GKE destinations need. */
export function withGkeDestinationsInit(fix: Fix, project: string): Fix {
  return {
    ...fix,
    commands: [
      '# Either initialise GKE destinations (grants all three roles to the Eventarc service agent):',
      `gcloud eventarc gke-destinations init --project=${project}`,
      '# or grant the missing roles one by one:',
      ...fix.commands,
    ],
  };
}

/**
 * Moves a trigger to an account of its own holding only what it needs. `serviceAccount` is
 * updatable: `gcloud eventarc triggers update --service-account`
 * (https://cloud.google.com/sdk/gcloud/reference/eventarc/triggers/update), and the provider's
 * `service_account` is not ForceNew, so Terraform updates it in place.
 */
export function dedicatedAccountFix(summary: string, trigger: GkeTrigger, project: string, policy: IamPolicy | undefined): Fix {
  const { trigger: name, location } = parseTriggerName(trigger.name);
  const accountId = dedicatedAccountId(name);
  const email = `${accountId}@${project}.iam.gserviceaccount.com`;
  return {
    summary,
    commands: [
      `gcloud iam service-accounts create ${accountId} --project=${project} --display-name="Eventarc trigger ${name}"`,
      ...triggerAccountRoles([trigger]).roles.map((role) => grantCommand(project, `serviceAccount:${email}`, role, policy)),
      `gcloud eventarc triggers update ${name} --location=${location ?? 'LOCATION'} --project=${project} --service-account=${email}`,
    ],
    terraform: ['resource "google_eventarc_trigger" "…" {', `  service_account = "${email}"`, '}'].join('\n'),
    automatic: false,
  };
}

/** A FAILED trigger: its conditions in full, as the API returns them. */
export function triggerConditionsFix(summary: string, trigger: GkeTrigger): Fix {
  const { trigger: name, location } = parseTriggerName(trigger.name);
  return { summary, commands: [`gcloud eventarc triggers describe ${name} --location=${location ?? 'LOCATION'} --format=json`], terraform: null, automatic: false };
}

/** No ready Pod behind a trigger's destination Service: the Pods its selector matches, and the Service. */
export function destinationPodsFix(summary: string, trigger: GkeTrigger, selector: Record<string, string>): Fix {
  const { namespace, service } = trigger.destination.gke;
  return {
    summary,
    commands: [`kubectl -n ${namespace} get pods -l ${labelSelector(selector)}`, `kubectl -n ${namespace} describe service ${service}`],
    terraform: null,
    automatic: false,
  };
}

/** Turns Workload Identity on: the cluster's workload pool is `PROJECT.svc.id.goog` (GKE Workload Identity docs). */
export function workloadPoolFix(summary: string, cluster: Cluster, project: string, location: string): Fix {
  const pool = `${project}.svc.id.goog`;
  return {
    summary,
    commands: [`gcloud container clusters update ${cluster.name} --location ${location} --workload-pool=${pool}`],
    terraform: ['resource "google_container_cluster" "…" {', '  workload_identity_config {', `    workload_pool = "${pool}"`, '  }', '}'].join('\n'),
    automatic: false,
  };
}

/** Switches node pools to the GKE metadata server (`--workload-metadata=GKE_METADATA`; Terraform `workload_metadata_config`). */
export function gkeMetadataFix(summary: string, cluster: Cluster, pools: readonly string[], location: string): Fix {
  return {
    summary,
    commands: pools.map((pool) => `gcloud container node-pools update ${pool} --cluster=${cluster.name} --location=${location} --workload-metadata=GKE_METADATA`),
    terraform: ['resource "google_container_node_pool" "…" {', '  node_config {', '    workload_metadata_config {', '      mode = "GKE_METADATA"', '    }', '  }', '}'].join('\n'),
    automatic: false,
  };
}
