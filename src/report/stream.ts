import type { SpooledFleet } from '../engine/fleet-report.js';
import { isSpooledFleet, materialized } from '../engine/fleet-report.js';
import type { Report } from '../engine/report.js';
import type { FleetReport } from '../engine/fleet-report.js';
import type { RenderContext } from './format.js';
import { RENDERERS } from './index.js';
import { streamJson } from './json.js';
import { streamJsonLines } from './json-lines.js';

/** Writers of a fleet report a cluster at a time, from its head and its clusters' reports in order: the same text as RENDERERS'. */
const STREAMERS: Record<string, (head: FleetReport, targets: () => Iterable<Report>, context: RenderContext) => Iterable<string>> = {
  json: (head, targets) => streamJson(head, targets()),
  'json-lines': (head, targets) => streamJsonLines(head, targets()),
};

/**
 * The report in `format`, in pieces: a spooled fleet's a cluster at a time where the format can
 * be written so (memory then holds one cluster's report, not the fleet's), else the whole text.
 */
export function* renderPieces(format: string, report: Report | SpooledFleet, context: RenderContext): Generator<string> {
  const stream = isSpooledFleet(report) ? STREAMERS[format] : undefined;
  if (stream && isSpooledFleet(report)) {
    yield* stream(report.head, () => report.spool.reports(), context);
    return;
  }
  yield RENDERERS[format]!(materialized(report), context);
}
