import { join } from 'node:path';
import type { GoogleApi } from '../../src/state/live/gcp-endpoints.js';

/** The APIs a single-cluster run reads. */
const CLUSTER_APIS: readonly GoogleApi[] = ['container', 'cloudresourcemanager', 'eventarc', 'compute', 'iam', 'pubsub'];

/**
 * The environment of a client of a fake Google server at `url`: no gcloud configuration or
 * project of the user's (under `home`), no Application Default Credentials or metadata server,
 * a fixed access token, and each of `apis` pointed at the fake as gcloud's endpoint overrides do
 * (compute's base holds its version).
 */
export function fakeGoogleEnv(url: string, home: string, apis: readonly GoogleApi[] = CLUSTER_APIS): NodeJS.ProcessEnv {
  return {
    CLOUDSDK_CONFIG: join(home, 'gcloud'),
    CLOUDSDK_CORE_PROJECT: undefined,
    GOOGLE_CLOUD_PROJECT: undefined,
    GOOGLE_APPLICATION_CREDENTIALS: undefined,
    METADATA_SERVER_DETECTION: 'none',
    GOOGLE_OAUTH_ACCESS_TOKEN: 'fake-google-token',
    ...Object.fromEntries(apis.map((api) => [`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}`, api === 'compute' ? `${url}/compute/v1/` : `${url}/`])),
  };
}
