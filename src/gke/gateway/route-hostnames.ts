/**
 * Hostname intersection of a route and a listener, as the Gateway API defines it
 * (kubernetes-sigs/gateway-api apis/v1/httproute_types.go and grpcroute_types.go HTTPRouteSpec/GRPCRouteSpec
 * `Hostnames`, apis/v1/gateway_types.go Listener `Hostname`):
 * - a listener without a hostname matches every route, and a route without hostnames matches every listener;
 * - otherwise at least one route hostname must intersect the listener's, or the route does not attach there;
 * - a `*.` prefix is a suffix match: `*.example.com` matches `test.example.com` and `foo.test.example.com`,
 *   never `example.com`;
 * - a wildcard route hostname matches a more specific listener hostname (`*.specific.com` attaches to a listener
 *   `very.specific.com`; `*.example.com` to `*.foo.example.com`, where it "becomes *.foo.example.com"):
 *   conformance/tests/httproute-hostname-intersection.yaml and
 *   gateway-http-listener-isolation-with-hostname-intersection.yaml.
 * Hostnames are DNS names: compared case-insensitively (RFC 4343).
 */
export function hostnamesIntersect(listenerHostname: string | undefined, routeHostnames: readonly string[] | undefined): boolean {
  if (!listenerHostname || !routeHostnames || routeHostnames.length === 0) return true;
  return routeHostnames.some((hostname) => hostnameIntersects(listenerHostname, hostname));
}

function hostnameIntersects(listener: string, route: string): boolean {
  const a = listener.toLowerCase();
  const b = route.toLowerCase();
  if (a === b) return true;
  if (a.startsWith('*.') && b.endsWith(a.slice(1))) return true;
  return b.startsWith('*.') && a.endsWith(b.slice(1));
}

/**
 * Whether a listener's `hostname` takes part in attachment: it is "ignored for protocols that don't require hostname
 * based matching" (apis/v1/gateway_types.go Listener.Hostname); HTTP, HTTPS and TLS are the ones that do.
 */
export function listenerMatchesHostnames(protocol: string): boolean {
  return ['HTTP', 'HTTPS', 'TLS'].includes(protocol);
}
