#!/bin/sh
# Generated from src/state/live/live-gcp.ts (GCP_DATA_SOURCES) and src/fleet/fleet-permissions.ts by test/deploy (UPDATE_DEPLOY=1 npx vitest run test/deploy): do not edit.
# The Google permissions of gke-doctor's jobs (deploy/cronjob.yaml, deploy/fleet/): custom roles with exactly
# what it reads, lists and writes, granted to the job's identity (docs/permissions.md). No key.
#   PROJECT_ID         the project the job runs in. A job in a GKE cluster is its Kubernetes service account
#                      gke-doctor/gke-doctor, a principal of this project's Workload Identity pool
#                      (PROJECT_ID.svc.id.goog), in whichever project it is granted.
#   TARGET_PROJECTS    the projects it checks, comma-separated (default: PROJECT_ID). Each gets the role
#                      gkeDoctorReader; on a Shared VPC add the host project (the firewalls are read there).
#   FLEET=1            --all-clusters: adds container.clusters.list.
#   CONNECT_GATEWAY=1  --endpoint connect-gateway: adds gkehub.memberships.list, gkehub.gateway.get.
#   REPORT_BUCKET      reports in gs://BUCKET: storage.objects.create, storage.objects.delete, storage.objects.get, storage.objects.list on that bucket
#                      (delete: a report replaces the last run's), through a role made in BUCKET_PROJECT
#                      (default PROJECT_ID: the bucket's project).
#   MEMBER             who to grant instead: the Cloud Run job's service account,
#                      serviceAccount:gke-doctor@PROJECT_ID.iam.gserviceaccount.com.
# One project:
#   PROJECT_ID=my-project sh deploy/iam/gcloud.sh
# A fleet checked from a central project:
#   PROJECT_ID=fleet-ops TARGET_PROJECTS=team-a,team-b FLEET=1 REPORT_BUCKET=fleet-reports sh deploy/iam/gcloud.sh
set -eu
: "${PROJECT_ID:?set PROJECT_ID}"
TARGET_PROJECTS="${TARGET_PROJECTS:-$PROJECT_ID}"
if [ -z "${MEMBER:-}" ]; then
  PROJECT_NUMBER=$(gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)')
  MEMBER="principal://iam.googleapis.com/projects/$PROJECT_NUMBER/locations/global/workloadIdentityPools/$PROJECT_ID.svc.id.goog/subject/ns/gke-doctor/sa/gke-doctor"
fi
PERMISSIONS=resourcemanager.projects.get,resourcemanager.projects.getIamPolicy,container.clusters.get,eventarc.triggers.list,compute.healthChecks.list,compute.subnetworks.list,pubsub.topics.get,pubsub.subscriptions.get,compute.firewalls.list,compute.networks.getEffectiveFirewalls,compute.networks.get,compute.networks.getRegionEffectiveFirewalls,compute.backendServices.list,compute.backendServices.get,iam.roles.get
if [ "${FLEET:-}" = 1 ]; then PERMISSIONS="$PERMISSIONS,container.clusters.list"; fi
if [ "${CONNECT_GATEWAY:-}" = 1 ]; then PERMISSIONS="$PERMISSIONS,gkehub.memberships.list,gkehub.gateway.get"; fi

# The custom role ROLE_ID in PROJECT with exactly PERMISSIONS: created, or updated when it exists (a newer gke-doctor reads more).
role() {
  if gcloud iam roles describe "$1" --project="$2" >/dev/null 2>&1; then verb=update; else verb=create; fi
  gcloud iam roles "$verb" "$1" --project="$2" --title="$3" --stage=GA --description="$4" --permissions="$5"
}

for TARGET in $(echo "$TARGET_PROJECTS" | tr ',' ' '); do
  role gkeDoctorReader "$TARGET" "gke-doctor reader" "Read what gke-doctor checks" "$PERMISSIONS"
  gcloud projects add-iam-policy-binding "$TARGET" --condition=None \
    --role="projects/$TARGET/roles/gkeDoctorReader" --member="$MEMBER"
done

if [ -n "${REPORT_BUCKET:-}" ]; then
  BUCKET_PROJECT="${BUCKET_PROJECT:-$PROJECT_ID}"
  role gkeDoctorReportWriter "$BUCKET_PROJECT" "gke-doctor report writer" "Write, replace and merge gke-doctor reports" storage.objects.create,storage.objects.delete,storage.objects.get,storage.objects.list
  gcloud storage buckets add-iam-policy-binding "gs://$REPORT_BUCKET" \
    --role="projects/$BUCKET_PROJECT/roles/gkeDoctorReportWriter" --member="$MEMBER"
fi
