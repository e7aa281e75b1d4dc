// Writes bench/results.json (everything measured) and bench/RESULTS.md: a table per scale and round
// trip, the fleet, start-up, each goal of bench/thresholds.json met or missed, the machine and its load
// beside every figure, and the notes in bench/notes.md (reasons and next steps).
import { readFile, writeFile } from 'node:fs/promises';
import type { Summary } from './measure.js';

export interface Results {
  machine: Record<string, unknown> & { date: string; loadAverage: number; runsSmall: number; runs: number; runsLarge: number; startupRuns: number };
  startup: { nodeBare: Summary; help: Summary; seedSnapshot: Summary };
  scales: {
    scale: number;
    counts: Record<string, number>;
    objects: number;
    megabytes: number;
    byRtt: {
      rttMs: number;
      runs: number;
      check: Summary & { requests: number; longestList: number; requestsPerEndpoint: Record<string, number> };
      kubectl?: Summary;
      snapshot?: Summary;
      physicalLimit: { chain: number; rttMs: number; jsonParseMs: number };
    }[];
  }[];
  fleets: (Summary & { clusters: number; scale: number; rttMs: number; objectsPerCluster: number })[];
  benchSeconds: number;
}

interface Thresholds {
  issue: number;
  liveCheck: { rttMs: number; scales: number[]; maxVsKubectl: number; maxVsPhysicalLimit: number };
  peakRss: { scale: number; rttMs: number; maxMb: number };
  snapshot: { scales: number[]; rttMs: number; maxVsCheck: number };
  startup: { maxSeedCheckVsNode: number; maxHelpVsNode: number };
  fleet: { clusters: number; scale: number; rttMs: number; maxWallMs: number; maxPeakRssMb: number; maxRssGrowthFromSmallestFleet: number };
  benchFromFreshCloneMinutes: number;
}

const here = (file: string) => new URL(file, import.meta.url);
const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const mb = (value: number) => `${Math.round(value)} MB`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const row = (what: string, run: Summary, extra = '') => `| ${what} | ${ms(run.medianWallMs)} | ±${ms(run.spreadWallMs / 2)} | ${ms(run.medianCpuMs)} | ${mb(run.medianPeakRssMb)} | ${run.medianLoad.toFixed(1)} | ${extra} |`;

/** Requests per endpoint with the names of Google resources (backend services) as `*`. */
function byShape(requests: Record<string, number>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(requests)) {
    const shape = endpoint.replace(/\/(backendServices|healthChecks|triggers)\/[^/:]+/, '/$1/*');
    counts[shape] = (counts[shape] ?? 0) + count;
  }
  return counts;
}

export function physicalLimitMs(limit: { chain: number; rttMs: number; jsonParseMs: number }, nodeMs: number): number {
  return limit.chain * limit.rttMs + limit.jsonParseMs + nodeMs;
}

export async function writeResults(results: Results): Promise<void> {
  await writeFile(here('results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const thresholds = JSON.parse(await readFile(here('thresholds.json'), 'utf8')) as Thresholds;
  const { machine, startup } = results;
  const node = startup.nodeBare.medianWallMs;
  const lines: string[] = [
    '# gke-doctor benchmark results',
    '',
    `Written by \`npm run bench\` (bench/live.ts) on ${machine.date.slice(0, 10)}: ${String(machine.cpu)}, ${String(machine.memoryGb)} GB, ${String(machine.os)}, Node ${String(machine.node)}, kubectl ${String(machine.kubectl)}. The whole bench took ${Math.round(results.benchSeconds)} s.`,
    `Load average (1 min, 2 cores) ${machine.loadAverage} at the start and ${String(machine.loadAverageAtEnd)} at the end${Math.max(Number(machine.loadAverage), Number(machine.loadAverageAtEnd)) < 2.5 ? ': nothing else ran on the machine' : ": the machine was shared with other builds and tests, so wall times are inflated and noisy (CPU times less so)"}. Every row gives the median load of its own runs.`,
    `Both fakes serve over TLS behind a network relay (test/support/network-delay.ts) that charges each exchange one round trip and each new connection its TCP and TLS handshakes. gke-doctor, kubectl and \`snapshot\` run one after the other in each iteration; ${machine.runsSmall} iterations per round trip below 1x, ${machine.runs} at 1x, ${machine.runsLarge} at 4x (each row says its own). Spread: ± half of slowest minus fastest.`,
    '',
    '## Live check',
    '',
    '`gke-doctor check --output json` (every check, live); `kubectl get ns,pods,svc,ingress -A -o json`; `gke-doctor snapshot DIR`.',
    `Physical limit: the shortest chain of dependent round trips whatever the page size (${results.scales[0]?.byRtt[0]?.physicalLimit.chain ?? 5}: TCP and TLS handshakes, discovery and its group version, the lists) × the round trip, plus \`JSON.parse\` of every object's bytes, plus \`node -e 0\`.`,
    '',
  ];
  const goals: [string, string, boolean][] = [];
  for (const scale of results.scales) {
    const counts = Object.entries(scale.counts)
      .map(([what, count]) => `${count.toLocaleString('en-US')} ${what}`)
      .join(', ');
    lines.push(`### ${scale.scale}x: ${counts} (${scale.objects.toLocaleString('en-US')} objects, ${scale.megabytes.toFixed(1)} MB of JSON)`, '');
    lines.push('| round trip, command | wall (median) | spread | CPU (median) | peak RSS (median) | load | |', '|---|---:|---:|---:|---:|---:|---|');
    for (const at of scale.byRtt) {
      const limit = physicalLimitMs(at.physicalLimit, node);
      const notes = [`${at.check.requests} requests, longest list ${at.check.longestList} pages`];
      if (at.kubectl) notes.push(`${ratio(at.check.medianWallMs / at.kubectl.medianWallMs)} kubectl`);
      notes.push(`${ratio(at.check.medianWallMs / limit)} the limit`);
      lines.push(row(`${at.rttMs} ms: gke-doctor check (${at.runs} runs)`, at.check, notes.join('; ')));
      if (at.kubectl) lines.push(row(`${at.rttMs} ms: kubectl`, at.kubectl));
      if (at.snapshot) lines.push(row(`${at.rttMs} ms: gke-doctor snapshot`, at.snapshot, `${ratio(at.snapshot.medianWallMs / at.check.medianWallMs)} the check`));
      lines.push(`| ${at.rttMs} ms: physical limit (${at.physicalLimit.chain} × ${at.rttMs} ms + ${ms(at.physicalLimit.jsonParseMs)} + ${ms(node)}) | ${ms(limit)} | | | | | |`);
      if (at.rttMs === thresholds.liveCheck.rttMs && thresholds.liveCheck.scales.includes(scale.scale)) {
        if (at.kubectl) goals.push([`live check ≤ ${thresholds.liveCheck.maxVsKubectl}× kubectl at ${scale.scale}x, ${at.rttMs} ms`, ratio(at.check.medianWallMs / at.kubectl.medianWallMs), at.check.medianWallMs / at.kubectl.medianWallMs <= thresholds.liveCheck.maxVsKubectl]);
        goals.push([`live check ≤ ${thresholds.liveCheck.maxVsPhysicalLimit}× the physical limit at ${scale.scale}x, ${at.rttMs} ms`, ratio(at.check.medianWallMs / limit), at.check.medianWallMs / limit <= thresholds.liveCheck.maxVsPhysicalLimit]);
      }
      if (at.rttMs === thresholds.peakRss.rttMs && scale.scale === thresholds.peakRss.scale) goals.push([`peak RSS ≤ ${thresholds.peakRss.maxMb} MB at ${scale.scale}x`, mb(at.check.medianPeakRssMb), at.check.medianPeakRssMb <= thresholds.peakRss.maxMb]);
      if (at.snapshot && at.rttMs === thresholds.snapshot.rttMs && thresholds.snapshot.scales.includes(scale.scale)) {
        goals.push([`snapshot DIR ≤ ${thresholds.snapshot.maxVsCheck}× the check at ${scale.scale}x`, ratio(at.snapshot.medianWallMs / at.check.medianWallMs), at.snapshot.medianWallMs / at.check.medianWallMs <= thresholds.snapshot.maxVsCheck]);
      }
    }
    lines.push('');
    const last = scale.byRtt.at(-1);
    if (last) {
      lines.push(`<details><summary>gke-doctor requests per endpoint at ${last.rttMs} ms</summary>`, '', '| endpoint | requests |', '|---|---:|');
      lines.push(...Object.entries(byShape(last.check.requestsPerEndpoint)).map(([endpoint, count]) => `| \`${endpoint}\` | ${count} |`), '', '</details>', '');
    }
  }
  if (results.fleets.length > 0) {
    lines.push('## Fleet', '', '`gke-doctor check --all-clusters --project P --output json` (default concurrency), every cluster 0.1x, over TLS at the round trip given.', '');
    lines.push('| clusters, round trip | wall (median) | spread | CPU (median) | peak RSS (median) | load | |', '|---|---:|---:|---:|---:|---:|---|');
    for (const fleet of results.fleets) lines.push(row(`${fleet.clusters} clusters, ${fleet.rttMs} ms (${fleet.runs.length} runs)`, fleet, `${fleet.objectsPerCluster.toLocaleString('en-US')} objects each`));
    lines.push('');
    const goal = results.fleets.find((fleet) => fleet.clusters === thresholds.fleet.clusters && fleet.rttMs === thresholds.fleet.rttMs);
    if (goal) {
      goals.push([`fleet of ${goal.clusters} in < ${thresholds.fleet.maxWallMs / 1000} s`, ms(goal.medianWallMs), goal.medianWallMs < thresholds.fleet.maxWallMs]);
      goals.push([`fleet of ${goal.clusters}: peak RSS < ${thresholds.fleet.maxPeakRssMb} MB`, mb(goal.medianPeakRssMb), goal.medianPeakRssMb < thresholds.fleet.maxPeakRssMb]);
      const smallest = results.fleets[0]!;
      if (smallest !== goal) {
        const growth = goal.medianPeakRssMb / smallest.medianPeakRssMb;
        goals.push([`fleet memory bounded by concurrency: RSS at ${goal.clusters} ≤ ${thresholds.fleet.maxRssGrowthFromSmallestFleet}× at ${smallest.clusters}`, ratio(growth), growth <= thresholds.fleet.maxRssGrowthFromSmallestFleet]);
      }
    }
  }
  lines.push('## Start-up', '', `${machine.startupRuns} iterations, the three commands one after the other in each.`, '');
  lines.push('| command | wall (median) | spread | CPU (median) | peak RSS (median) | load | × `node -e 0` |', '|---|---:|---:|---:|---:|---:|---|');
  lines.push(row('`node -e 0`', startup.nodeBare, '1.00×'));
  lines.push(row('`gke-doctor --help`', startup.help, ratio(startup.help.medianWallMs / node)));
  lines.push(row('`gke-doctor check --snapshot fixtures/seed-eventarc-stuck-namespace`', startup.seedSnapshot, ratio(startup.seedSnapshot.medianWallMs / node)), '');
  goals.push([`seed \`check --snapshot\` ≤ ${thresholds.startup.maxSeedCheckVsNode}× node -e 0`, ratio(startup.seedSnapshot.medianWallMs / node), startup.seedSnapshot.medianWallMs <= thresholds.startup.maxSeedCheckVsNode * node]);
  goals.push([`\`--help\` ≤ ${thresholds.startup.maxHelpVsNode}× node -e 0`, ratio(startup.help.medianWallMs / node), startup.help.medianWallMs <= thresholds.startup.maxHelpVsNode * node]);
  goals.push([`the bench ≤ ${thresholds.benchFromFreshCloneMinutes} min (without the build)`, `${(results.benchSeconds / 60).toFixed(1)} min`, results.benchSeconds <= thresholds.benchFromFreshCloneMinutes * 60]);
  lines.push(`## Goals (issue #${thresholds.issue}, bench/thresholds.json)`, '', '| goal | measured | |', '|---|---:|---|', ...goals.map(([goal, measured, ok]) => `| ${goal} | ${measured} | ${ok ? 'met' : '**missed**'} |`), '');
  const notes = await readFile(here('notes.md'), 'utf8').catch(() => '');
  if (notes) lines.push(notes.trim(), '');
  await writeFile(here('RESULTS.md'), lines.join('\n'));
}
