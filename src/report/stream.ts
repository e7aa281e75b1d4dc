import type { FleetReport, SpooledFleet } from '../engine/fleet-report.js';
import { isFleetReport, isSpooledFleet, materialized } from '../engine/fleet-report.js';
import type { FleetTargets } from '../engine/fleet-targets.js';
import type { Report } from '../engine/report.js';
import type { RenderContext } from './format.js';
import { RENDERERS } from './index.js';
import { streamJson } from './json.js';
import { slot, streamJsonText } from './json-slots.js';
import { streamJsonLines } from './json-lines.js';
import { streamSarif } from './sarif.js';
import { streamFleetText } from './fleet-text.js';
import { streamHtml } from './html.js';
import { streamJunit } from './junit.js';
import { streamOpenMetrics } from './openmetrics.js';

/** Writers of a fleet report a cluster at a time, from its head and its clusters' reports: the same text as RENDERERS'. */
const STREAMERS: Record<string, (head: FleetReport, targets: FleetTargets, context: RenderContext) => Iterable<string>> = {
  json: streamJson,
  'json-lines': (head, targets) => streamJsonLines(head, targets.all()),
  sarif: streamSarif,
  text: streamFleetText,
  junit: streamJunit,
  html: streamHtml,
  openmetrics: streamOpenMetrics,
};

/**
 * The report in `format`, in pieces: a spooled fleet's a cluster at a time where the format can
 * be written so (memory then holds one cluster's report, not the fleet's), else the whole text.
 */
export function* renderPieces(format: string, report: Report | SpooledFleet, context: RenderContext): Generator<string> {
  const stream = STREAMERS[format];
  if (stream && isSpooledFleet(report)) {
    yield* batched(stream(report.head, report.spool, context));
    return;
  }
  // One cluster's JSON report a check at a time: at 4x the benchmark cluster it is 12 MB of text,
  // which held whole (and again as the bytes written) made the run's peak (bench/notes.md "Peak memory").
  if (format === 'json' && !isSpooledFleet(report) && !isFleetReport(report)) {
    yield* batched(streamJsonText({ ...report, checks: [slot(0)] }, [report.checks]));
    return;
  }
  yield RENDERERS[format]!(materialized(report), context);
}

/** Pieces joined up to about 64 KiB: one write each, not one per line. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let batch = '';
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= 65_536) {
      yield batch;
      batch = '';
    }
  }
  if (batch.length > 0) yield batch;
}
