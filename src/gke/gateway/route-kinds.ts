/** The Gateway API's group, and the route kinds GKE's Gateway controller serves (kubernetes-sigs/gateway-api apis/v1). */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export type RouteKind = 'HTTPRoute' | 'GRPCRoute';
export const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute'];
