#!/bin/sh
# Generated from src/state/live/live-gcp.ts (GCP_DATA_SOURCES) by test/deploy (UPDATE_DEPLOY=1 npx vitest run test/deploy): do not edit.
# The Google permissions of the CronJob in deploy/: a custom role with exactly what gke-doctor reads,
# granted to its Kubernetes service account gke-doctor/gke-doctor through Workload Identity Federation
# for GKE (cloud.google.com/kubernetes-engine/docs/how-to/workload-identity). No Google service account
# and no key. Run once per project:  PROJECT_ID=my-project sh deploy/iam/gcloud.sh
set -eu
: "${PROJECT_ID:?set PROJECT_ID}"
PROJECT_NUMBER=$(gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)')
gcloud iam roles create gkeDoctorReader --project="$PROJECT_ID" \
  --title="gke-doctor reader" --stage=GA --description="Read what gke-doctor checks" \
  --permissions=resourcemanager.projects.get,resourcemanager.projects.getIamPolicy,container.clusters.get,eventarc.triggers.list,compute.healthChecks.list,compute.subnetworks.list,pubsub.topics.get,pubsub.subscriptions.get,compute.firewalls.list,compute.networks.getEffectiveFirewalls,compute.backendServices.get,iam.roles.get
gcloud projects add-iam-policy-binding "$PROJECT_ID" --condition=None \
  --role="projects/$PROJECT_ID/roles/gkeDoctorReader" \
  --member="principal://iam.googleapis.com/projects/$PROJECT_NUMBER/locations/global/workloadIdentityPools/$PROJECT_ID.svc.id.goog/subject/ns/gke-doctor/sa/gke-doctor"
