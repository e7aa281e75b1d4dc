// Writes bench/results.json (everything measured) and bench/RESULTS.md (a table per
// scale, the targets of issue #12 met or not, the machine, the date, and the notes
// in bench/notes.md on what the profile showed and what remains).
import { readFile, writeFile } from 'node:fs/promises';

interface Run {
  medianWallMs: number;
  medianCpuMs: number;
  medianPeakRssMb: number;
}

interface Results {
  machine: Record<string, unknown> & { date: string; delayMs: number; runs: number };
  startup: { nodeBare: Run; help: Run; seedSnapshot: Run };
  scales: {
    scale: number;
    runs: number;
    counts: Record<string, number>;
    objects: number;
    megabytes: number;
    gkeDoctor: Run & { requests: number; requestsPerEndpoint: Record<string, number> };
    kubectl: Run & { requests: number; requestsPerEndpoint: Record<string, number> };
    physicalLimit: { chain: number; delayMs: number; jsonParseMs: number };
  }[];
  yamlSnapshot?: { objects: number; megabytes: number; wallMs: number; peakRssMb: number } | { error: string };
  install?: { tarballKb: number; seconds: number; megabytes: number; topLevelEntries: number };
  benchSeconds: number;
}

const here = (file: string) => new URL(file, import.meta.url);
const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const mb = (value: number) => `${Math.round(value)} MB`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

export async function writeResults(results: Results): Promise<void> {
  await writeFile(here('results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const { machine, startup } = results;
  const node = startup.nodeBare.medianWallMs;
  const lines: string[] = [
    '# gke-doctor benchmark results',
    '',
    `Written by \`npm run bench\` (bench/live.ts) on ${machine.date.slice(0, 10)}: ${machine.cpu}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}, kubectl ${machine.kubectl}.`,
    Number(machine.loadAverage) >= 1
      ? `Load average when it started: ${String(machine.loadAverage)}: the machine was shared with other engineers' builds and tests, so wall times are inflated (CPU times less so).`
      : `Load average when it started: ${String(machine.loadAverage)} (a quiet machine).`,
    `Every answer of the fake servers delayed ${machine.delayMs} ms; gke-doctor and kubectl alternating, medians of the runs each scale names. The whole bench took ${Math.round(results.benchSeconds)} s.`,
    '',
    '## Live check against the fakes',
    '',
    '`gke-doctor check --output json` (every check, live) against `kubectl get ns,pods,svc,ingress -A -o json`, as child processes.',
    'Physical limit: the longest chain of requests that had to follow one another × the delay, plus `JSON.parse` of the same objects, plus `node -e 0`.',
    '',
  ];
  const targets: [string, string, boolean][] = [];
  for (const scale of results.scales) {
    const limit = scale.physicalLimit.chain * scale.physicalLimit.delayMs + scale.physicalLimit.jsonParseMs + node;
    const vsKubectl = scale.gkeDoctor.medianWallMs / scale.kubectl.medianWallMs;
    const vsLimit = scale.gkeDoctor.medianWallMs / limit;
    const counts = Object.entries(scale.counts)
      .map(([what, count]) => `${count.toLocaleString('en-US')} ${what}`)
      .join(', ');
    lines.push(
      `### Scale ${scale.scale}: ${counts} (${scale.objects.toLocaleString('en-US')} objects, ${scale.megabytes.toFixed(1)} MB of JSON), ${scale.runs === 1 ? 'one run' : `median of ${scale.runs} runs`}`,
      '',
      '| | wall time (median) | CPU time (median) | peak RSS (median) | requests |',
      '|---|---:|---:|---:|---:|',
      `| gke-doctor check | ${ms(scale.gkeDoctor.medianWallMs)} | ${ms(scale.gkeDoctor.medianCpuMs)} | ${mb(scale.gkeDoctor.medianPeakRssMb)} | ${scale.gkeDoctor.requests} |`,
      `| kubectl get ns,pods,svc,ingress -A -o json | ${ms(scale.kubectl.medianWallMs)} | ${ms(scale.kubectl.medianCpuMs)} | ${mb(scale.kubectl.medianPeakRssMb)} | ${scale.kubectl.requests} |`,
      `| physical limit (${scale.physicalLimit.chain} × ${scale.physicalLimit.delayMs} ms + ${ms(scale.physicalLimit.jsonParseMs)} + ${ms(node)}) | ${ms(limit)} | | | |`,
      '',
      `gke-doctor / kubectl: ${ratio(vsKubectl)}; gke-doctor / physical limit: ${ratio(vsLimit)}.`,
      '',
      '<details><summary>gke-doctor requests per endpoint</summary>',
      '',
      '| endpoint | requests |',
      '|---|---:|',
      ...Object.entries(scale.gkeDoctor.requestsPerEndpoint).map(([endpoint, count]) => `| \`${endpoint}\` | ${count} |`),
      '',
      '</details>',
      '',
    );
    targets.push([`live check ≤ 1.0 × kubectl at scale ${scale.scale}`, ratio(vsKubectl), vsKubectl <= 1]);
    if (scale.scale === 1) {
      targets.push(['live check ≤ 0.5 × kubectl at full scale', ratio(vsKubectl), vsKubectl <= 0.5]);
      targets.push(['live check ≤ 1.5 × the physical limit at full scale', ratio(vsLimit), vsLimit <= 1.5]);
      targets.push(['peak RSS ≤ 250 MB at full scale', mb(scale.gkeDoctor.medianPeakRssMb), scale.gkeDoctor.medianPeakRssMb <= 250]);
    }
  }
  const requestCounts = results.scales.map((scale) => `${scale.gkeDoctor.requests} at ${scale.scale}`).join(', ');
  const first = results.scales[0];
  const last = results.scales.at(-1);
  if (first && last && first !== last) {
    const grew = last.gkeDoctor.requests / first.gkeDoctor.requests;
    targets.push([`requests grow with kinds and pages, not objects or Terminating namespaces (${requestCounts})`, `${ratio(grew)} requests for ${ratio(last.objects / first.objects)} objects`, grew < last.objects / first.objects / 2]);
  }
  lines.push(
    '## Start-up',
    '',
    `Medians of ${machine.runs} runs each.`,
    '',
    '| command | wall time (median) | peak RSS | × `node -e 0` |',
    '|---|---:|---:|---:|',
    `| \`node -e 0\` | ${ms(node)} | ${mb(startup.nodeBare.medianPeakRssMb)} | 1.00× |`,
    `| \`gke-doctor --help\` | ${ms(startup.help.medianWallMs)} | ${mb(startup.help.medianPeakRssMb)} | ${ratio(startup.help.medianWallMs / node)} |`,
    `| \`gke-doctor check --snapshot fixtures/seed-eventarc-stuck-namespace\` | ${ms(startup.seedSnapshot.medianWallMs)} | ${mb(startup.seedSnapshot.medianPeakRssMb)} | ${ratio(startup.seedSnapshot.medianWallMs / node)} |`,
    '',
  );
  targets.push(['--help ≤ 2 × node -e 0', ratio(startup.help.medianWallMs / node), startup.help.medianWallMs <= 2 * node]);
  targets.push(['seed snapshot check ≤ 3 × node -e 0', ratio(startup.seedSnapshot.medianWallMs / node), startup.seedSnapshot.medianWallMs <= 3 * node]);
  if (results.yamlSnapshot && 'error' in results.yamlSnapshot) {
    lines.push('## Full-size YAML snapshot', '', `\`check --snapshot\` of the scale-1.0 cluster with k8s/ as one YAML file failed: ${results.yamlSnapshot.error}`, '');
    targets.push(['full-size YAML snapshot checks in under 500 MB', 'failed', false]);
  } else if (results.yamlSnapshot) {
    const yaml = results.yamlSnapshot;
    lines.push('## Full-size YAML snapshot', '', `\`check --snapshot\` of the scale-1.0 cluster with k8s/ as one YAML file (${yaml.objects.toLocaleString('en-US')} objects, ${yaml.megabytes.toFixed(0)} MB): ${ms(yaml.wallMs)}, peak RSS ${mb(yaml.peakRssMb)}.`, '');
    targets.push(['full-size YAML snapshot checks in under 500 MB', mb(yaml.peakRssMb), yaml.peakRssMb < 500]);
  }
  if (results.install) {
    const install = results.install;
    lines.push('## Install', '', `\`npm pack\` (${Math.round(install.tarballKb)} kB), then \`npm install --omit=dev\` of the tarball into an empty directory: ${install.seconds.toFixed(1)} s, ${mb(install.megabytes)} on disk (${install.topLevelEntries} entries in node_modules).`, '');
    targets.push(['production install ≤ 60 MB on disk', mb(install.megabytes), install.megabytes <= 60]);
  }
  lines.push('## Targets (issue #12)', '', '| target | measured | |', '|---|---:|---|', ...targets.map(([target, measured, ok]) => `| ${target} | ${measured} | ${verdict(ok)} |`), '');
  const notes = await readFile(here('notes.md'), 'utf8').catch(() => '');
  if (notes) lines.push(notes.trim(), '');
  await writeFile(here('RESULTS.md'), lines.join('\n'));
}
