import { describe, expect, it } from 'vitest';
import { hostnamesIntersect } from '../../../src/gke/gateway/route-hostnames.js';

// Cases from kubernetes-sigs/gateway-api apis/v1/httproute_types.go (Hostnames doc comment) and the conformance manifests
// conformance/tests/httproute-hostname-intersection.yaml and gateway-http-listener-isolation-with-hostname-intersection.yaml.
describe('hostnamesIntersect', () => {
  it.each([
    ['a listener without a hostname matches all', undefined, ['first.com', 'sub.second.com'], true],
    ['a route without hostnames matches the listener', 'very.specific.com', [], true],
    ['specific host matches listener specific host', 'very.specific.com', ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'], true],
    ['specific host matches listener wildcard host', '*.wildcard.io', ['non.matching.com', 'wildcard.io', 'foo.wildcard.io'], true],
    ['a wildcard is a suffix match over several labels', '*.wildcard.io', ['foo.bar.wildcard.io'], true],
    ['*.wildcard.io does not match wildcard.io', '*.wildcard.io', ['wildcard.io'], false],
    ['wildcard host matches listener specific host', 'very.specific.com', ['*.specific.com'], true],
    ['wildcard host matches listener wildcard host', '*.anotherwildcard.io', ['*.anotherwildcard.io'], true],
    ['a wider route wildcard narrows to the listener wildcard', '*.foo.example.com', ['*.example.com'], true],
    ['a narrower route wildcard is inside the listener wildcard', '*.example.com', ['*.foo.example.com'], true],
    ['no intersecting hosts (specific)', 'very.specific.com', ['specific.but.wrong.com', 'wildcard.io'], false],
    ['no intersecting hosts (wildcard)', '*.wildcard.io', ['specific.but.wrong.com', 'wildcard.io'], false],
    ['test.example.net does not match *.example.com', '*.example.com', ['test.example.net'], false],
    ['a route wildcard does not match its bare domain', 'example.com', ['*.example.com'], false],
    ['hostnames compare without case', 'Very.Specific.com', ['very.specific.COM'], true],
  ] as const)('%s', (_name, listener, route, expected) => {
    expect(hostnamesIntersect(listener, route)).toBe(expected);
  });
});
