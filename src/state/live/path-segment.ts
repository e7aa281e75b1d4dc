import { ApiFailure } from './api-failure.js';

// A DNS-1123 subdomain (k8s.io/apimachinery pkg/util/validation IsDNS1123Subdomain): what every
// namespace, object name, API group, version and resource plural is. A real API server never
// serves another; a hostile one could serve `..`, which URL resolution would turn into another path
// (the WHATWG URL parser treats `%2e%2e` as `..` too, so encoding is no defence).
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_LENGTH = 253;

/** `value`, when it is safe as one segment of a Kubernetes API path; a failed read naming it otherwise. */
export function kubernetesPathSegment(value: string, what: string): string {
  if (value.length <= MAX_LENGTH && DNS1123_SUBDOMAIN.test(value)) return value;
  throw new ApiFailure(`refusing to build a request path from ${what} ${JSON.stringify(value.slice(0, 80))}: not a valid Kubernetes name`, undefined, { code: 'INVALID_BODY' });
}

/** Whether a request path holds a `.` or `..` segment (plain or percent-encoded), which would leave where it is sent. */
export function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}
