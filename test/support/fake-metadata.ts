import type { FakeRequest, FakeResponse } from './fake-http.js';
import { FakeHttpServer } from './fake-http.js';

/**
 * A fake of the GKE metadata server as a Pod using Workload Identity sees it
 * (cloud.google.com/kubernetes-engine/docs/concepts/workload-identity#instance_metadata):
 * text values under /computeMetadata/v1/, only with `Metadata-Flavor: Google`
 * (403 otherwise, as the real one answers), and the `Metadata-Flavor` header on
 * every answer, which google-auth-library's metadata client insists on.
 */
export class FakeMetadataServer extends FakeHttpServer {
  constructor(private readonly values: Record<string, string>) {
    super((request) => this.route(request), (_status, message) => message);
  }

  private route(request: FakeRequest): FakeResponse {
    const headers = { 'Metadata-Flavor': 'Google', 'content-type': 'application/text' };
    if (request.headers['metadata-flavor'] !== 'Google') return { status: 403, body: 'Missing required header "Metadata-Flavor": "Google"', headers };
    const path = request.path.replace(/^\/computeMetadata\/v1\//, '');
    const value = this.values[path];
    if (value === undefined) return { status: 404, body: 'Not Found', headers };
    return { status: 200, body: value, headers };
  }
}
