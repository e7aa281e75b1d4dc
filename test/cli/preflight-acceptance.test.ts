import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { runCli } from '../support/cli.js';
import { sarifValidator } from '../support/preflight.js';

/**
 * The acceptance: `check --terraform-plan <seed plan> --manifests <seed manifests>
 * --output sarif` exits 1 with schema-valid SARIF naming the missing roles and the Ingress
 * problems, each at its file and line or resource address.
 */

const SEED_PLAN = 'fixtures/preflight/seed-eventarc.tfplan.json';
const MANIFESTS = 'fixtures/preflight/argocd-manifests';

interface Result {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[];
}

async function preflight(plan: string) {
  const { code, stdout, stderr } = await runCli(['check', '--terraform-plan', plan, '--manifests', MANIFESTS, '--output', 'sarif']);
  expect(stderr).toBe('');
  const log = JSON.parse(stdout) as { runs: [{ results: Result[]; tool: { driver: { rules: { id: string }[] } } }] };
  const validate = sarifValidator();
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  return { code, results: log.runs[0].results, rules: log.runs[0].tool.driver.rules.map((rule) => rule.id) };
}

const inFile = (result: Result, prefix: string) =>
  result.locations.some((location) => location.physicalLocation?.artifactLocation.uri.startsWith(prefix) && (location.physicalLocation.region?.startLine ?? 0) >= 1);

describe('preflight of the seed plan and the seed manifests', () => {
  it('writes schema-valid SARIF with a rule for every check that ran, every result at a physical location', async () => {
    const { rules, results } = await preflight(SEED_PLAN);
    expect(rules).toEqual(builtinChecks.map((check) => check.id));
    // Code scanning refuses the whole file when a single result has no physical location.
    for (const result of results) expect(result.locations[0]?.physicalLocation?.artifactLocation.uri).toBeTruthy();
  });

  it('exits 1: the plan misses roles and argocd-server answers the health check with a redirect', async () => {
    const { code } = await preflight(SEED_PLAN);
    expect(code).toBe(1);
  });

  it('names each missing role of the trigger account at the plan', async () => {
    const { results } = await preflight(SEED_PLAN);
    const iam = results.filter((result) => result.ruleId === 'eventarc-gke-iam' && result.level === 'error');
    for (const role of ['roles/pubsub.subscriber', 'roles/monitoring.metricWriter']) {
      const naming = iam.filter((result) => result.message.text.includes(role));
      expect(naming, role).not.toEqual([]);
      expect(naming.some((result) => result.message.text.includes('jobapp-events@acme-jobs-prod.iam.gserviceaccount.com'))).toBe(true);
      expect(naming.some((result) => inFile(result, SEED_PLAN)), `${role} at ${SEED_PLAN}`).toBe(true);
    }
    expect(iam.some((result) => result.message.text.includes('roles/eventarc.eventReceiver'))).toBe(false);
  });

  it('reports no missing role of the trigger account once the plan grants them', async () => {
    const { results } = await preflight('fixtures/preflight/eventarc-granted.tfplan.json');
    const missing = results.filter(
      (result) => result.ruleId === 'eventarc-gke-iam' && result.level === 'error' && result.message.text.includes('jobapp-events@'),
    );
    expect(missing).toEqual([]);
  });

  it('does not guess what is known only after apply: it says so', async () => {
    const { results } = await preflight('fixtures/preflight/eventarc-unknown.tfplan.json');
    const eventarc = results.filter((result) => result.ruleId.startsWith('eventarc-'));
    // "known only after apply" / "cannot be decided before apply", not "terraform apply never finishes".
    expect(eventarc.some((result) => /\b(before|after) apply\b/.test(result.message.text))).toBe(true);
    expect(eventarc.filter((result) => /has no service account/.test(result.message.text))).toEqual([]);
  });

  it('names the Ingress problem (argocd-server answers 307) at its manifest file and line', async () => {
    const { results } = await preflight(SEED_PLAN);
    const ingress = results.filter((result) => result.ruleId === 'ingress-health-check' && result.level === 'error');
    const redirect = ingress.filter((result) => result.message.text.includes('argocd-server') && result.message.text.includes('307'));
    expect(redirect).not.toEqual([]);
    expect(redirect.every((result) => inFile(result, MANIFESTS))).toBe(true);
  });
});
