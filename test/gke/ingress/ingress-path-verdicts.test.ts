import { describe, expect, it } from 'vitest';
import { translatorPathError } from '../../../src/gke/ingress/ingress-path-verdicts.js';

// The cases of kubernetes/ingress-gce pkg/translator/translator.go validateAndGetPaths.
describe('translatorPathError', () => {
  it.each([
    ['/*', undefined, undefined],
    ['/foo/*', 'ImplementationSpecific', undefined],
    ['/', 'Prefix', undefined],
    ['/foo', 'Prefix', undefined],
    ['/foo/*', 'Prefix', 'failed to validate prefix path /foo/* due to invalid wildcard'],
    ['', 'Prefix', 'failed to validate prefix path type due to empty path'],
    ['/foo', 'Exact', undefined],
    ['/*', 'Exact', 'failed to validate exact path /* due to invalid wildcard'],
    [undefined, 'Exact', 'failed to validate exact path type due to empty path'],
    ['/foo', 'Regex', 'unsupported path type: Regex'],
  ])('%s (%s)', (path, pathType, error) => {
    expect(translatorPathError(path, pathType)).toBe(error);
  });
});
