import { beforeAll, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import type { CheckReport, Report } from '../../src/engine/report.js';
import type { DataKey, GcpDataKey } from '../../src/state/cluster-state.js';
import { GCP_DATA_SOURCES } from '../../src/state/live/live-gcp.js';
import { LiveSource } from '../../src/state/live/live-source.js';
import type { CliResult } from '../support/cli.js';
import { runCli } from '../support/cli.js';
import { forbidden, statusBody } from '../support/fake-kube-apiserver.js';
import type { Fault, Injection, LoggedRequest } from '../support/fake-http.js';
import { googleError } from '../support/fake-gcp.js';
import { FIXTURE_NOW } from '../support/fixtures.js';
import type { ServedFixture } from '../support/live.js';
import { serveFixture } from '../support/live.js';
import { loadFactor } from '../support/machine-load.js';

/**
 * The fault matrix (issue #10): every endpoint the live sources call, as a healthy
 * run against the fakes records it, answers in turn with each fault. The endpoints
 * are not listed here: they are whatever these fixtures make the sources request,
 * so a new endpoint is covered as soon as a check needs its data. Each endpoint
 * gets two faults, rotating, so that every fault lands on Google and Kubernetes
 * endpoints alike (the whole product would take minutes).
 */
// gke-shared-vpc-host-no-firewall: the Shared VPC host project's policy, read besides the project's own.
const FIXTURES = ['seed-eventarc-stuck-namespace', 'eventarc-custom-role', 'gateway-whereami', 'ingress-backendconfig-mismatch', 'gke-shared-vpc-host-no-firewall'];

type Answer = { status: 401 | 403 | 404 | 409 | 429 | 500 | 503 } | { fault: Fault };
const ANSWERS: readonly (Answer & { name: string })[] = [
  { name: '401', status: 401 },
  { name: '403', status: 403 },
  { name: '404', status: 404 },
  { name: '409', status: 409 },
  { name: '429 Retry-After', status: 429 },
  { name: '500', status: 500 },
  { name: '503', status: 503 },
  { name: 'reset', fault: 'reset' },
  { name: 'no answer', fault: 'hang' },
  { name: 'truncated body', fault: 'truncate' },
  { name: 'short Content-Length', fault: 'short-body' },
  { name: 'drip', fault: 'drip' },
];
const FAULTS_PER_ENDPOINT = 2;
/**
 * The run's --timeout when an endpoint never finishes answering (a hang, a drip): the deadline cuts it. The other
 * reads must all finish before it, so on a loaded machine (several suites at once) it is longer: 4 s on an idle one.
 */
const LOAD_FACTOR = loadFactor();
const CUT_AT_MS = Math.round(4_000 * LOAD_FACTOR);
/** The run's --timeout otherwise: far beyond what the retries take, so only a hang could reach it. */
const TIMEOUT_MS = 30_000;
/** What the run may take beyond its deadline (writing the report), on an idle machine; loadFactor() widens it on a loaded one. */
const GRACE_MS = 5_000;
/** Runs at once: they mostly wait on timers, but share this process's one thread. */
const CONCURRENCY = 24;

interface Endpoint {
  fixture: string;
  server: 'gcp' | 'kube';
  method: string;
  path: string;
  /** The path with the fixture's own names taken out: one endpoint across fixtures. */
  shape: string;
}

interface FixtureRecord {
  healthy: Report;
  /** Per data key any check needs: the endpoints it is read from. */
  keyEndpoints: Map<DataKey, Set<string>>;
  /** Per check: the endpoints its `needs` are read from, and those of its optional data. */
  needs: Map<string, Set<string>>;
  optional: Map<string, Set<string>>;
  /** What each endpoint answered in the healthy run (an APIService that is down answers 503 there too). */
  healthyStatus: Map<string, number>;
}

const endpointKey = (endpoint: Pick<Endpoint, 'server' | 'method' | 'path'>) => `${endpoint.server} ${endpoint.method} ${endpoint.path}`;

function shapeOf(server: 'gcp' | 'kube', path: string, project: string): string {
  if (server === 'kube') return path.replace(/\/namespaces\/[^/]+\//, '/namespaces/NS/');
  return path
    // Another project than the fixture's is a Shared VPC host: its reads are endpoints of their own.
    .replace(/\/projects\/([^/:]+)/, (_whole, id: string) => (id === project ? '/projects/P' : '/projects/HOST'))
    .replace(/\/locations\/(?!-\/)[^/]+/, '/locations/L')
    .replace(/\/clusters\/[^/]+/, '/clusters/C')
    .replace(/\/roles\/[^/]+/, '/roles/R');
}

function logged(served: ServedFixture): { server: 'gcp' | 'kube'; request: LoggedRequest }[] {
  return [...served.gcp.requests.map((request) => ({ server: 'gcp' as const, request })), ...served.kube.requests.map((request) => ({ server: 'kube' as const, request }))];
}

function clearLogs(served: ServedFixture): void {
  served.gcp.requests.length = 0;
  served.kube.requests.length = 0;
}

const run = (served: ServedFixture, timeoutMs = TIMEOUT_MS): Promise<CliResult> =>
  runCli(['check', '--output', 'json', '--timeout', `${timeoutMs}ms`], { env: served.env, now: () => FIXTURE_NOW });

const neverEnds = (answer: Answer) => 'fault' in answer && (answer.fault === 'hang' || answer.fault === 'drip');

/** The endpoints a set of data keys is read from, as the live source requests them. */
async function endpointsOf(served: ServedFixture, keys: readonly DataKey[]): Promise<Set<string>> {
  clearLogs(served);
  if (keys.length > 0) await new LiveSource({ env: served.env, kubeconfig: served.kubeconfig }).collect(new Set(keys));
  return new Set(logged(served).map(({ server, request }) => endpointKey({ server, method: request.method, path: request.path })));
}

/** A healthy run of a fixture: its report, every request it sent, and which checks read from which endpoint. */
async function record(fixture: string): Promise<{ record: FixtureRecord; requests: ReturnType<typeof logged>; project: string }> {
  const served = await serveFixture(fixture);
  try {
    const healthy = await run(served);
    const requests = logged(served);
    const needs = new Map<string, Set<string>>();
    const optional = new Map<string, Set<string>>();
    for (const check of builtinChecks) {
      needs.set(check.id, await endpointsOf(served, check.needs));
      optional.set(check.id, await endpointsOf(served, check.optionalNeeds ?? []));
    }
    const keyEndpoints = new Map<DataKey, Set<string>>();
    for (const key of new Set(builtinChecks.flatMap((check) => check.needs))) keyEndpoints.set(key, await endpointsOf(served, [key]));
    const healthyStatus = new Map(requests.map(({ server, request }) => [endpointKey({ server, method: request.method, path: request.path }), request.status]));
    return { record: { healthy: JSON.parse(healthy.stdout) as Report, keyEndpoints, needs, optional, healthyStatus }, requests, project: served.target.project };
  } finally {
    await served.close();
  }
}

const records = new Map<string, FixtureRecord>();
const endpoints = new Map<string, Endpoint>();
/** Whether some check that reads from the endpoint has something to examine in its fixture (is not not-applicable there). */
const examined = (endpoint: Pick<Endpoint, 'fixture' | 'server' | 'method' | 'path'>) => {
  const record = records.get(endpoint.fixture)!;
  const key = endpointKey(endpoint);
  return record.healthy.checks.some((check) => check.status !== 'not-applicable' && (record.needs.get(check.id)?.has(key) || record.optional.get(check.id)?.has(key)));
};
for (const [index, recorded] of (await Promise.all(FIXTURES.map(record))).entries()) {
  const fixture = FIXTURES[index]!;
  records.set(fixture, recorded.record);
  for (const { server, request } of recorded.requests) {
    const shape = `${server} ${request.method} ${shapeOf(server, request.path, recorded.project)}`;
    const candidate = { fixture, server, method: request.method, path: request.path, shape };
    // Where one fixture's endpoint answered 404 (an absent CRD) and another's 200, fault the one that had data; where a
    // Google read was made for nothing (the backend services, listed before the Ingresses say whether any is used), the
    // one that used it.
    const known = endpoints.get(shape);
    const knownStatus = known ? records.get(known.fixture)!.healthyStatus.get(endpointKey(known))! : 0;
    const usedElsewhere = server === 'gcp' && request.status < 400 === knownStatus < 400 && known !== undefined && !examined(known) && examined(candidate);
    if (!known || (request.status < 400 && knownStatus >= 400) || usedElsewhere) {
      endpoints.set(shape, candidate);
    }
  }
}

interface Case {
  endpoint: Endpoint;
  answer: (typeof ANSWERS)[number];
  /** Only the first request so answered: a GET (and getIamPolicy) is retried and the run reads everything. */
  once?: boolean;
}

const cases: Case[] = [...endpoints.values()]
  .sort((a, b) => a.shape.localeCompare(b.shape))
  .flatMap((endpoint, index) => Array.from({ length: FAULTS_PER_ENDPOINT }, (_, n) => ({ endpoint, answer: ANSWERS[(index * FAULTS_PER_ENDPOINT + n) % ANSWERS.length]! })));

/** What a retry gets past: throttling, a server error, a connection broken before or during the answer. */
const PASSING: readonly string[] = ['429 Retry-After', '500', '503', 'reset', 'short Content-Length'];
const passingCases: Case[] = (['gcp', 'kube'] as const).flatMap((server) => {
  const list = [...endpoints.values()].filter((endpoint) => endpoint.server === server && records.get(endpoint.fixture)!.healthyStatus.get(endpointKey(endpoint))! < 400);
  return PASSING.map((name, index) => {
    // A group version's discovery is not retried on 503: an aggregated API that is down answers so until it is repaired.
    const candidates = name === '503' ? list.filter((endpoint) => !/^\/(api\/v1|apis\/[^/]+\/[^/]+)$/.test(endpoint.path)) : list;
    return { endpoint: candidates[Math.floor((index * candidates.length) / PASSING.length)]!, answer: ANSWERS.find((answer) => answer.name === name)!, once: true };
  });
});

/**
 * Every check × every data key it needs (issue #21): each endpoint that key is read from fails
 * (a 403, or an answer in the wrong shape: a bare JSON array where an object or a List belongs),
 * in a fixture where the check has something to examine. The check is incomplete, and its
 * reason names that data: never passed, never a finding made without it.
 */
interface NeededCase {
  fixture: string;
  check: string;
  key: DataKey;
  endpoints: { server: 'gcp' | 'kube'; method: string; path: string }[];
  answer: '403' | 'wrong shape';
}

const neededCases: NeededCase[] = builtinChecks.flatMap((check) =>
  check.needs.flatMap((key) => {
    const fixture = FIXTURES.find((name) => {
      const record = records.get(name)!;
      return record.healthy.checks.find((candidate) => candidate.id === check.id)?.status !== 'not-applicable' && (record.keyEndpoints.get(key)?.size ?? 0) > 0;
    });
    if (!fixture) return [];
    const endpoints = [...records.get(fixture)!.keyEndpoints.get(key)!].map((key) => {
      const [server, method, path] = key.split(' ') as ['gcp' | 'kube', string, string];
      return { server, method, path };
    });
    return (['403', 'wrong shape'] as const).map((answer) => ({ fixture, check: check.id, key, endpoints, answer }));
  }),
);

function neededInjection(endpoint: NeededCase['endpoints'][number], answer: NeededCase['answer']): Injection {
  const base = { method: endpoint.method, path: endpoint.path };
  if (answer === 'wrong shape') return { ...base, status: 200, body: [{ metadata: { name: 'a' } }] };
  if (endpoint.server === 'gcp') return { ...base, status: 403, body: googleError(403, 'injected 403') };
  const resource = /\/([^/]+)$/.exec(endpoint.path)?.[1] ?? '';
  return { ...base, status: 403, body: forbidden(endpoint.path.split('/').length > 4 ? 'list' : 'get', resource) };
}

/** Words that name a data key in a reason: the GCP data as the reasons say it, or the kind. */
function namesOfKey(key: DataKey): RegExp {
  if (key in GCP_DATA_SOURCES) return new RegExp(GCP_DATA_SOURCES[key as GcpDataKey].what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  if (key === 'ObjectsInTerminatingNamespaces') return /Namespace|terminating namespaces/;
  return new RegExp(`\\b${key}\\b`);
}

const neededOutcomes = new Map<NeededCase, Outcome>();

async function runNeededCase(testCase: NeededCase): Promise<void> {
  const served = await serveFixture(testCase.fixture);
  try {
    for (const endpoint of testCase.endpoints) (endpoint.server === 'gcp' ? served.gcp : served.kube).inject(neededInjection(endpoint, testCase.answer));
    const started = performance.now();
    try {
      neededOutcomes.set(testCase, { result: await run(served), ms: performance.now() - started, sent: [] });
    } catch (error) {
      neededOutcomes.set(testCase, { result: { code: -1, stdout: '', stderr: '' }, ms: performance.now() - started, error, sent: [] });
    }
  } finally {
    await served.close();
  }
}

/** The injection for a case: statuses with the body each API sends (a 403 as RBAC words it), faults as the fakes make them. */
function injection(testCase: Case): Injection {
  const { endpoint, answer } = testCase;
  const base = { method: endpoint.method, path: endpoint.path, ...(testCase.once ? { times: 1 } : {}) };
  // A drip stays slower than the cut: a body of 40 bytes or more outlasts CUT_AT_MS whatever the load.
  if ('fault' in answer) return { ...base, fault: answer.fault, dripMs: Math.round(100 * LOAD_FACTOR) };
  const headers = answer.status === 429 ? { 'retry-after': '1' } : undefined;
  if (endpoint.server === 'gcp') return { ...base, status: answer.status, headers, body: googleError(answer.status, `injected ${answer.status}`) };
  const resource = /\/([^/]+)$/.exec(endpoint.path)?.[1] ?? '';
  const body = answer.status === 403 ? forbidden(endpoint.path.split('/').length > 4 ? 'list' : 'get', resource) : statusBody(answer.status, `injected ${answer.status}`);
  return { ...base, status: answer.status, headers, body };
}

interface Outcome {
  result: CliResult;
  ms: number;
  error?: unknown;
  /** The requests the run sent to the faulted endpoint. */
  sent: LoggedRequest[];
}

const outcomes = new Map<Case, Outcome>();

async function runCase(testCase: Case): Promise<void> {
  const served = await serveFixture(testCase.endpoint.fixture);
  try {
    (testCase.endpoint.server === 'gcp' ? served.gcp : served.kube).inject(injection(testCase));
    const started = performance.now();
    const sent = () => logged(served).flatMap(({ server, request }) => (endpointKey({ server, method: request.method, path: request.path }) === endpointKey(testCase.endpoint) ? [request] : []));
    try {
      const result = await run(served, neverEnds(testCase.answer) ? CUT_AT_MS : TIMEOUT_MS);
      outcomes.set(testCase, { result, ms: performance.now() - started, sent: sent() });
    } catch (error) {
      outcomes.set(testCase, { result: { code: -1, stdout: '', stderr: '' }, ms: performance.now() - started, error, sent: sent() });
    }
  } finally {
    await served.close();
  }
}

beforeAll(async () => {
  let next = 0;
  // The longest first: those the deadline ends.
  const queue = [...cases, ...passingCases].sort((a, b) => Number(neverEnds(b.answer)) - Number(neverEnds(a.answer)));
  const worker = async () => {
    while (next < queue.length) await runCase(queue[next++]!);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  let nextNeeded = 0;
  const neededWorker = async () => {
    while (nextNeeded < neededCases.length) await runNeededCase(neededCases[nextNeeded++]!);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, neededWorker));
}, 300_000 * LOAD_FACTOR);

/** Words that name an endpoint in what a check says: the API service, the resource (plural or singular), the group version. */
function namesOf(endpoint: Endpoint): string[] {
  if (endpoint.server === 'gcp') {
    const service = GOOGLE_SERVICE_OF.find(([pattern]) => pattern.test(endpoint.path))?.[1];
    if (!service) throw new Error(`${endpoint.path}: which Google API is it? Add it to GOOGLE_SERVICE_OF`);
    const role = /\/roles\/([^/]+)$/.exec(endpoint.path)?.[1];
    return role ? [role] : [service];
  }
  if (endpoint.path === '/apis' || endpoint.path === '/api/v1') return ['discovery'];
  const group = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(endpoint.path);
  if (group) return group[2] ? [`${group[1]}/${group[2]}`] : [group[1]!];
  const plural = /\/([^/]+)$/.exec(endpoint.path)![1]!;
  return [plural, plural.replace(/ies$/, 'y').replace(/(ss|sh|ch|x)es$/, '$1').replace(/s$/, '')];
}

/** Which Google API each path of the fake belongs to (what the reasons name). */
const GOOGLE_SERVICE_OF: [RegExp, string][] = [
  [/^\/compute\//, 'compute.googleapis.com'],
  [/\/triggers$/, 'eventarc.googleapis.com'],
  [/\/clusters\//, 'container.googleapis.com'],
  [/\/roles\//, 'iam.googleapis.com'],
  [/\/(topics|subscriptions)\//, 'pubsub.googleapis.com'],
  [/^\/v[13]\/projects\/[^/]+(:getIamPolicy)?$/, 'cloudresourcemanager.googleapis.com'],
];

/** A 404 there means the server does not serve that API (no such CRD or group, a kind gone since discovery): none of its objects exist. */
function absentOn404(endpoint: Endpoint): boolean {
  // A Pub/Sub topic or subscription answering 404 was deleted: eventarc-gke-delivery reports exactly that.
  if (endpoint.server === 'gcp') return /\/(topics|subscriptions)\/[^/]+$/.test(endpoint.path);
  return /^\/apis\/[^/]+(\/[^/]+)?$/.test(endpoint.path) && endpoint.path !== '/apis' ||
    /\/namespaces\/[^/]+\/[^/]+$/.test(endpoint.path) ||
    /^\/apis\/[^/]*\.(?!k8s\.io\/)[^/]+\/[^/]+\/[^/]+$/.test(endpoint.path);
}

/** What a check says: its reason and its findings. */
function said(check: CheckReport): string {
  return [check.reason ?? '', ...check.findings.map((finding) => `${finding.message} ${JSON.stringify(finding.evidence)}`)].join('\n');
}

const comparableCheck = (check: CheckReport) => ({ ...check, durationMs: 0 });

/**
 * Checks that do not yet say what they could not read, each with its owner (issue #10 part 3).
 * For these pairs only the naming is not asserted; everything else is. Remove an entry when its
 * check names the data: the matrix then holds it to that.
 */
const KNOWN_GAPS: { check: string; endpoint: RegExp; gap: string }[] = [
];

const knownGap = (check: string, endpoint: Endpoint) => KNOWN_GAPS.some((gap) => gap.check === check && gap.endpoint.test(endpoint.shape));

/** The reason a read cut by the run's --timeout gives: it names the API it was reading from. */
const DEADLINE_REASON = /timed out reading .*(from the Kubernetes API|\.googleapis\.com)/;

describe('fault matrix: a fault that a retry gets past', () => {
  it.each(passingCases.map((testCase) => [`${testCase.endpoint.shape} (${testCase.endpoint.fixture}) -> ${testCase.answer.name} once`, testCase] as const))('%s', (_, testCase) => {
    const { result, sent, error } = outcomes.get(testCase)!;
    expect(error, 'the run threw').toBeUndefined();
    const report = JSON.parse(result.stdout) as Report;
    expect(report.checks.map(comparableCheck)).toEqual(records.get(testCase.endpoint.fixture)!.healthy.checks.map(comparableCheck));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    // Retry-After: 1 is honoured: the second request waits a second.
    if (testCase.answer.name === '429 Retry-After') expect(sent[1]!.receivedAt - sent[0]!.answeredAt).toBeGreaterThanOrEqual(950);
  });
});

describe('fault matrix: every endpoint the live sources call, under every fault', () => {
  it('covers every fault on Google and on Kubernetes endpoints', () => {
    for (const server of ['gcp', 'kube'] as const) {
      const applied = new Set(cases.filter((testCase) => testCase.endpoint.server === server).map((testCase) => testCase.answer.name));
      expect([...applied].sort(), server).toEqual(ANSWERS.map((answer) => answer.name).sort());
    }
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases.map((testCase) => [`${testCase.endpoint.shape} (${testCase.endpoint.fixture}) -> ${testCase.answer.name}`, testCase] as const))('%s', (_, testCase) => {
    const outcome = outcomes.get(testCase)!;
    expect(outcome.error, 'the run threw').toBeUndefined();
    const { result, ms } = outcome;
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at \S+|Error: |TypeError|\bunhandled\b/);
    expect(ms, `the run outlived its deadline (load factor ${loadFactor().toFixed(1)})`).toBeLessThan((neverEnds(testCase.answer) ? CUT_AT_MS : TIMEOUT_MS) + GRACE_MS * loadFactor());
    expect([0, 1, 2, 3]).toContain(result.code);
    const { endpoint, answer } = testCase;
    const google401 = endpoint.server === 'gcp' && 'status' in answer && answer.status === 401 && !endpoint.path.includes('/roles/');
    if (google401) {
      // Google rejecting the token rejects the whole run: one line saying so, exit 2.
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/rejected the access token/);
      return;
    }
    expect(result.code).not.toBe(2);
    const record = records.get(endpoint.fixture)!;
    const report = JSON.parse(result.stdout) as Report;
    const key = endpointKey(endpoint);
    const names = namesOf(endpoint);
    // A 401 is about the credentials, whichever endpoint answered it: the reason names the context to renew.
    const named = (text: string) => names.some((name) => text.toLowerCase().includes(name.toLowerCase())) || (answer.name === '401' && /rejected the credentials/.test(text));
    const benign404 = 'status' in answer && answer.status === 404 && absentOn404(endpoint);
    const cutByDeadline = neverEnds(answer);
    for (const check of report.checks) {
      const healthy = record.healthy.checks.find((candidate) => candidate.id === check.id)!;
      // A custom role is read with the policy; a check whose report never names it did not decide on it.
      const role = /\/roles\/([^/]+)$/.exec(endpoint.path)?.[1];
      const needed = record.needs.get(check.id)!.has(key) && (!role || said(healthy).includes(role));
      const used = needed || record.optional.get(check.id)!.has(key);
      const same = JSON.stringify(comparableCheck(check)) === JSON.stringify(comparableCheck(healthy));
      // A kind is listed once for every check that reads it (terminating-namespace reads a Terminating namespace's
      // objects from a cluster-wide list when there is one): a list held open to the deadline holds up all of them,
      // and each says so, as incomplete or in its findings.
      const heldUp = cutByDeadline && DEADLINE_REASON.test(check.status === 'incomplete' ? (check.reason ?? '') : said(check));
      if (!used || benign404) {
        if (!used && !heldUp) expect(comparableCheck(check), `${check.id} does not read ${endpoint.path}: it must not change`).toEqual(comparableCheck(healthy));
        continue;
      }
      if (knownGap(check.id, endpoint)) continue;
      // Whatever changed names what could not be read: nothing degrades silently.
      if (!same && !heldUp) expect(named(said(check)), `${check.id} changed without naming ${names.join(' or ')}:\n${said(check)}`).toBe(true);
      // Data a check used but could not read: whatever it says about it, never a pass (issue #21).
      if (!same && healthy.status === 'passed') expect(check.status, `${check.id} could not read ${endpoint.path} and still passed:\n${said(check)}`).not.toBe('passed');
      if (needed && record.healthyStatus.get(key)! < 400) {
        // Data a check cannot run without: incomplete, or its findings say what was not read.
        expect(same, `${check.id} needs ${endpoint.path} but reported as if it had read it`).toBe(false);
        if (check.status === 'incomplete' && answer.name === '403' && !/timed out/.test(check.reason ?? '')) {
          expect(check.reason).toMatch(endpoint.server === 'gcp' ? /permission \S+ denied/ : /RBAC/);
        }
      }
    }
  });
});

describe('fault matrix: every check × every data key it needs', () => {
  it('covers every check that needs data, and every key it needs that the fixtures read', () => {
    const covered = new Set(neededCases.map((testCase) => `${testCase.check} ${testCase.key}`));
    for (const check of builtinChecks) for (const key of check.needs) expect(covered, `${check.id} needs ${key}`).toContain(`${check.id} ${key}`);
  });

  it.each(neededCases.map((testCase) => [`${testCase.check} × ${testCase.key} (${testCase.fixture}) -> ${testCase.answer}`, testCase] as const))('%s', (_, testCase) => {
    const { result, error } = neededOutcomes.get(testCase)!;
    expect(error, 'the run threw').toBeUndefined();
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at \S+|Error: |TypeError|\bunhandled\b/);
    const check = (JSON.parse(result.stdout) as Report).checks.find((candidate) => candidate.id === testCase.check)!;
    expect(check.status, `${testCase.check} without ${testCase.key}: ${check.reason ?? ''}`).toBe('incomplete');
    expect(check.reason).toMatch(namesOfKey(testCase.key));
    expect(check.findings).toEqual([]);
  });
});
