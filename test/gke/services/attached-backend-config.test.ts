import { describe, expect, it } from 'vitest';
import { attachedBackendConfig } from '../../../src/gke/services/service-annotations.js';

const service = (annotations: Record<string, string>) => ({ metadata: { name: 'web', namespace: 'store', annotations } });
const http = { name: 'http', port: 80 };

// ingress-gce pkg/backendconfig/utils.go BackendConfigName: port name, then port number, then default;
// pkg/annotations/service.go GetBackendConfigs: the GA key first, and invalid JSON names none.
describe('attachedBackendConfig: the BackendConfig a Service port names', () => {
  it.each<{ case: string; annotations: Record<string, string>; expected: { name: string; key: string } | undefined }>([
    { case: 'by port name', annotations: { 'cloud.google.com/backend-config': '{"ports": {"http": "by-name", "80": "by-number"}, "default": "fallback"}' }, expected: { name: 'by-name', key: 'cloud.google.com/backend-config' } },
    { case: 'by port number', annotations: { 'cloud.google.com/backend-config': '{"ports": {"80": "by-number"}, "default": "fallback"}' }, expected: { name: 'by-number', key: 'cloud.google.com/backend-config' } },
    { case: 'by default', annotations: { 'cloud.google.com/backend-config': '{"ports": {"443": "other"}, "default": "fallback"}' }, expected: { name: 'fallback', key: 'cloud.google.com/backend-config' } },
    { case: 'the GA key before the beta one', annotations: { 'beta.cloud.google.com/backend-config': '{"default": "beta"}', 'cloud.google.com/backend-config': '{"default": "ga"}' }, expected: { name: 'ga', key: 'cloud.google.com/backend-config' } },
    { case: 'the beta key alone', annotations: { 'beta.cloud.google.com/backend-config': '{"default": "beta"}' }, expected: { name: 'beta', key: 'beta.cloud.google.com/backend-config' } },
    { case: 'none for another port', annotations: { 'cloud.google.com/backend-config': '{"ports": {"443": "other"}}' }, expected: undefined },
    { case: 'none from invalid JSON', annotations: { 'cloud.google.com/backend-config': '{"default": ' }, expected: undefined },
    { case: 'none without the annotation', annotations: {}, expected: undefined },
  ])('$case', ({ annotations, expected }) => {
    expect(attachedBackendConfig(service(annotations), http)).toEqual(expected);
  });
});
