import { describe, expect, it } from 'vitest';
import { parseBoolFromEnv } from '../../src/gke/load-balancer/known-applications.js';
import { checkReport, runFixture } from '../support/fixtures.js';

// argoproj/argo-cd util/env/env.go ParseBoolFromEnv: strings.EqualFold with "true" / "false", else the default.
describe('parseBoolFromEnv reads ARGOCD_SERVER_INSECURE as argo-cd does', () => {
  it.each([
    ['true', true, true],
    ['TRUE', true, true],
    ['True', true, true],
    ['false', false, true],
    ['FaLsE', false, true],
    ['1', false, false],
    ['t', false, false],
    ['yes', false, false],
    ['', false, false],
    [' true', false, false],
  ])('%j -> %s (read: %s)', (value, expected, read) => {
    expect(parseBoolFromEnv(value)).toEqual({ value: expected, read });
  });
});

describe('argocd-server behind a GCE Ingress, server.insecure in argocd-cmd-params-cm', () => {
  it('"1" is not read as true: the 307 is found, and the finding says why', async () => {
    const report = checkReport(await runFixture('ingress-argocd-insecure-not-read', { only: ['ingress-health-check'] }), 'ingress-health-check');
    expect(report.status).toBe('failed');
    const finding = report.findings.find((candidate) => candidate.resource === 'Service/argocd/argocd-server');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toMatch(/307/);
    expect(finding?.message).toMatch(/which is "1", which argo-cd does not read as true: it reads only "true" or "false"/);
  });

  it.each(['ingress-argocd-insecure', 'ingress-argocd-insecure-upper'])('%s passes', async (fixture) => {
    const report = checkReport(await runFixture(fixture, { only: ['ingress-health-check'] }), 'ingress-health-check');
    expect(report.findings).toEqual([]);
    expect(report.status).toBe('passed');
  });
});
