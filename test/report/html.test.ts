import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { FleetReport } from '../../src/engine/fleet-report.js';
import { fleetReport } from '../../src/engine/fleet-report.js';
import type { Report } from '../../src/engine/report.js';
import { renderHtml } from '../../src/report/html.js';
import { escapeHtml, html } from '../../src/report/html-markup.js';
import { healthCheckPath } from '../../src/report/health-check-path.js';
import { FLEET_PROJECTS } from '../support/fleet-projects.js';
import { checkReport, runFixture } from '../support/fixtures.js';

const HOSTILE = `<script>alert("x")</script><img src=x onerror='alert(1)'>&amp;`;

const render = (report: Report) => renderHtml(report, { checks: builtinChecks, colorLevel: 0 });

/** A report whose every string from the API is hostile: names, messages, evidence, fix commands. */
async function hostileFleet() {
  const report = await runFixture('seed-argocd-unhealthy');
  const hostile: Report = {
    ...report,
    target: { source: 'snapshot', project: `p${HOSTILE}`, location: `l"${HOSTILE}`, cluster: `c'${HOSTILE}` },
    checks: report.checks.map((check) => ({
      ...check,
      reason: check.reason && `${check.reason}${HOSTILE}`,
      findings: check.findings.map((finding) => ({
        ...finding,
        resource: `Service/${HOSTILE}`,
        message: `${finding.message}${HOSTILE}`,
        evidence: { ...finding.evidence, [HOSTILE]: HOSTILE },
        fix: finding.fix && { ...finding.fix, summary: HOSTILE, commands: [...finding.fix.commands, `kubectl delete ns '${HOSTILE}'`], terraform: HOSTILE },
      })),
    })),
  };
  return fleetReport('snapshot', [hostile, await runFixture('healthy')], null);
}

describe('html markup', () => {
  it('escapes every value put into a template, and nothing the template itself wrote', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${[1, null, false, '<']}</p>`.text).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>1&lt;</p>');
  });
});

describe('--output html', () => {
  it('is one page that loads nothing: the policy forbids every source but its own inline style and script, named by hash', async () => {
    const page = render(await hostileFleet());
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!;
    expect(policy).toMatch(/^default-src 'none'; /);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(policy).toContain(`style-src ${hash(style)}`);
    expect(policy).toContain(`script-src ${hash(script)}`);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(page).not.toMatch(/<link\b/);
  });

  it('shows hostile names as text: no markup of theirs reaches the page', async () => {
    const page = render(await hostileFleet());
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).not.toContain(`onerror='`);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;amp;');
    // In attributes too (data-cluster, data-project, option values).
    expect(page).toContain('data-project="p&lt;script&gt;alert(&quot;x&quot;)');
  });

  it('has a table row per cluster, coloured by status, and a section per cluster', async () => {
    const report = await hostileFleet();
    const page = render(report);
    expect(page.match(/<tr class="status-failing"/g)).toHaveLength(1);
    expect(page.match(/<tr class="status-clean"/g)).toHaveLength(1);
    expect(page.match(/<section class="cluster"/g)).toHaveLength(2);
  });

  it('names the run the report came from, when it carries one', async () => {
    const report = { ...(await hostileFleet()), run: { id: 'nightly-42', startedAt: '2024-01-15T02:00:00Z', version: '0.1.0', inputs: { source: 'live', projects: ['acme-jobs-prod'], parent: null, location: null, clusterFilter: null, endpoint: 'public', snapshot: null }, shard: null } } as unknown as FleetReport;
    expect(render(report)).toContain('· run <b>nightly-42</b> · started 2024-01-15T02:00:00Z');
  });

  it('lists the projects a live run looked in: one with no cluster, and those it could not list, stand out', async () => {
    const fleet = await hostileFleet();
    const page = render({ ...fleet, fleet: { ...fleet.fleet, projects: FLEET_PROJECTS } } as typeof fleet);
    const table = page.slice(page.indexOf('<table class="fleet projects">'), page.indexOf('</table>', page.indexOf('<table class="fleet projects">')));
    expect(table.match(/<tr class="status-[a-z]+" data-project="[^"]+">/g)).toEqual([
      '<tr class="status-clean" data-project="acme-jobs-prod">',
      '<tr class="status-empty" data-project="acme-empty">',
      '<tr class="status-incomplete" data-project="locked-out">',
      '<tr class="status-incomplete" data-project="acme-zonal">',
    ]);
    expect(table).toContain('not all: cannot list the clusters of project locked-out');
    expect(table).toContain('(zones that did not answer: us-central1-a)');
  });

  it('renders a single-cluster report: every check and finding, the fix commands to copy', async () => {
    const report = await runFixture('seed-ingress-addon-disabled');
    const page = render(report);
    for (const check of report.checks) expect(page).toContain(`<article class="check" data-check="${check.id}">`);
    const fix = checkReport(report, 'http-load-balancing-addon').findings[0]!.fix!;
    expect(page).toContain(`<pre>${escapeHtml(fix.commands.join('\n'))}</pre>`);
    expect(page).not.toContain('<table class="fleet">');
  });
});

describe('the health-check path diagram', () => {
  it('argocd-server behind an Ingress: the same request, but the Pod answers 307 where the load balancer needs 200', async () => {
    const finding = checkReport(await runFixture('seed-argocd-unhealthy'), 'ingress-health-check').findings[0]!;
    const path = healthCheckPath('ingress-health-check', finding)!;
    expect(path).toMatchObject({ backend: 'NEG', loadBalancer: { type: 'HTTP', path: '/healthz', port: 8080 }, answer: 307, verdict: 'UNHEALTHY' });
    expect(path.probe).toMatchObject({ type: 'HTTP', path: '/healthz', port: 8080, container: 'argocd-server' });
    expect(path.differs).toEqual({ type: false, path: false, port: false, answer: true });
    expect(render(await runFixture('seed-argocd-unhealthy'))).toContain('Where they differ: what counts as healthy (the Pod answers 307).');
  });

  it('a probe on another port than the one the load balancer checks: the port differs', async () => {
    const finding = checkReport(await runFixture('ingress-probe-other-port'), 'ingress-health-check').findings[0]!;
    const path = healthCheckPath('ingress-health-check', finding)!;
    expect(path.differs.port || path.differs.path).toBe(true);
  });

  it('a container without a readiness probe: the kubelet sends nothing', async () => {
    const finding = checkReport(await runFixture('ingress-no-readiness-probe'), 'ingress-health-check').findings[0]!;
    expect(healthCheckPath('ingress-health-check', finding)!.probe).toBeNull();
  });

  it('a Gateway backend: always a NEG, the load balancer default GET / against the probe', async () => {
    const finding = checkReport(await runFixture('gateway-argocd'), 'gateway-health-check').findings[0]!;
    const path = healthCheckPath('gateway-health-check', finding)!;
    expect(path).toMatchObject({ backend: 'NEG', loadBalancer: { path: '/', port: 8080 }, servingContainer: 'argocd-server', answer: 307 });
  });

  it('is drawn for health-check findings only', async () => {
    const finding = checkReport(await runFixture('seed-ingress-addon-disabled'), 'http-load-balancing-addon').findings[0]!;
    expect(healthCheckPath('http-load-balancing-addon', finding)).toBeUndefined();
  });
});
