import { describe, expect, it } from 'vitest';
import { hasDotSegment, kubernetesPathSegment } from '../../src/state/live/path-segment.js';

describe('request paths built from API data', () => {
  it.each(['events-system', 'v1beta1', 'gateway.networking.k8s.io', 'httproutes', 'a'.repeat(253)])('take %s as a segment', (value) => {
    expect(kubernetesPathSegment(value, 'the namespace')).toBe(value);
  });

  it.each(['..', '.', '%2e%2e', 'a/b', '../../victim', 'UPPER', '-lead', 'trail-', '', 'a'.repeat(254), 'x\u0000y'])('refuse %j', (value) => {
    expect(() => kubernetesPathSegment(value, 'the resource')).toThrow(/^refusing to build a request path from the resource ".*": not a valid Kubernetes name$/);
  });

  it.each([
    ['/healthz', false],
    ['/a.b/c..d', false],
    ['/../secrets', true],
    ['/x/./y', true],
    ['/%2E%2e/x', true],
  ])('%s has a dot segment: %s', (path, dotted) => expect(hasDotSegment(path)).toBe(dotted));
});
