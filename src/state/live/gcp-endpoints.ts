/** The Google APIs gke-doctor reads, by gcloud's name for each (CLOUDSDK_API_ENDPOINT_OVERRIDES_<NAME>). */
export type GoogleApi = 'container' | 'cloudresourcemanager' | 'eventarc' | 'compute' | 'storage';

export const GOOGLE_API_SERVICES: Record<GoogleApi, string> = {
  container: 'container.googleapis.com',
  cloudresourcemanager: 'cloudresourcemanager.googleapis.com',
  eventarc: 'eventarc.googleapis.com',
  compute: 'compute.googleapis.com',
  storage: 'storage.googleapis.com',
};

export interface Endpoint {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** `protocol://host:port`, for requests gke-doctor builds itself. */
  origin: string;
}

/**
 * An API's endpoint: gcloud's override variable when set (a base URL; `http://`
 * means plain HTTP, as for a local emulator), else the public one. Only the
 * origin counts: the clients add the API's own path (`/v1/…`, `/compute/v1/…`).
 */
export function googleApiEndpoint(api: GoogleApi, env: NodeJS.ProcessEnv = process.env): Endpoint {
  const override = env[`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}`];
  const url = new URL(override && override.trim() !== '' ? override : `https://${GOOGLE_API_SERVICES[api]}/`);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { protocol, host: url.hostname, port, origin: `${protocol}://${url.hostname}:${port}` };
}
