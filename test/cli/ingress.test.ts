import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixturePath } from '../support/fixtures.js';

describe('gke-doctor check on the argocd seed', () => {
  it('names argocd-server, says 307 where the load balancer needs 200, and prints the fix', async () => {
    const result = await runCli(['check', '--snapshot', fixturePath('seed-argocd-unhealthy')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ failed {2}ingress-health-check/);
    expect(result.stdout).toMatch(/ERROR {2}Service\/argocd\/argocd-server/);
    expect(result.stdout).toMatch(/The load balancer receives a 307 where it needs a 200/);
    expect(result.stdout).toMatch(/Kubernetes checks: HTTP GET \/healthz on port 8080/);
    expect(result.stdout).toMatch(/load balancer checks: HTTP GET \/healthz on the serving port \(8080\)/);
    expect(result.stdout).toContain(`$ kubectl -n argocd patch configmap argocd-cmd-params-cm --type merge -p '{"data":{"server.insecure":"true"}}'`);
    expect(result.stdout).toContain('$ kubectl -n argocd rollout restart deployment/argocd-server');
    expect(result.stdout).toMatch(/✔ passed {2}ingress-config/);
  });

  it('passes once server.insecure is "true"', async () => {
    const result = await runCli(['check', '--snapshot', fixturePath('ingress-argocd-insecure'), '--only', 'ingress-health-check,ingress-config']);
    expect(result.stdout).toMatch(/✔ passed {2}ingress-health-check/);
    expect(result.code).toBe(0);
  });
});
