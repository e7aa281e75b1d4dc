import { InputError } from '../../errors.js';

/** The Google APIs gke-doctor reads, by gcloud's name for each (CLOUDSDK_API_ENDPOINT_OVERRIDES_<NAME>). */
export type GoogleApi = 'container' | 'cloudresourcemanager' | 'eventarc' | 'compute' | 'iam' | 'pubsub' | 'storage' | 'gkehub' | 'connectgateway' | 'cloudasset';

export const GOOGLE_API_SERVICES: Record<GoogleApi, string> = {
  container: 'container.googleapis.com',
  cloudresourcemanager: 'cloudresourcemanager.googleapis.com',
  eventarc: 'eventarc.googleapis.com',
  compute: 'compute.googleapis.com',
  iam: 'iam.googleapis.com',
  pubsub: 'pubsub.googleapis.com',
  storage: 'storage.googleapis.com',
  gkehub: 'gkehub.googleapis.com',
  connectgateway: 'connectgateway.googleapis.com',
  cloudasset: 'cloudasset.googleapis.com',
};

/** gcloud's base URL of each API: the versioned path follows it, except compute's, which holds the version. */
const DEFAULT_BASES: Record<GoogleApi, string> = {
  container: 'https://container.googleapis.com/',
  cloudresourcemanager: 'https://cloudresourcemanager.googleapis.com/',
  eventarc: 'https://eventarc.googleapis.com/',
  compute: 'https://compute.googleapis.com/compute/v1/',
  iam: 'https://iam.googleapis.com/',
  pubsub: 'https://pubsub.googleapis.com/',
  storage: 'https://storage.googleapis.com/storage/v1/',
  gkehub: 'https://gkehub.googleapis.com/',
  connectgateway: 'https://connectgateway.googleapis.com/',
  cloudasset: 'https://cloudasset.googleapis.com/',
};

/**
 * An API's base URL, ending in `/`: gcloud's override variable when set (a base
 * URL, as gcloud takes it: `http://` means plain HTTP, as for a local emulator),
 * else the public one. Paths are resolved against it as gcloud does
 * (`v1/projects/…` for container, `projects/…` for compute).
 */
export function googleApiBase(api: GoogleApi, env: NodeJS.ProcessEnv = process.env): string {
  const variable = `CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}`;
  const override = env[variable]?.trim();
  if (override && !URL.canParse(override)) throw new InputError(`${variable}: not a URL: ${override}`);
  const base = new URL(override ? override : DEFAULT_BASES[api]);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base.href;
}
