import type { FleetReport } from '../engine/fleet-report.js';
import type { Report } from '../engine/report.js';
import type { Renderer } from './format.js';

/** The version-1 JSON report of DESIGN.md. */
export const renderJson: Renderer = (report) => `${JSON.stringify(report, null, 2)}\n`;

/** Stands in for the targets in the head's JSON, where each cluster's report is then written. */
const PLACE = '\u0000gke-doctor-targets\u0000';

/**
 * The same text as renderJson of the whole fleet report, a cluster at a time: JSON.stringify
 * indents a nested value as it would alone, each line after the first shifted by its depth.
 */
export function* streamJson(head: FleetReport, targets: Iterable<Report>): Generator<string> {
  const text = JSON.stringify({ ...head, targets: [PLACE] }, null, 2);
  const at = text.indexOf(JSON.stringify(PLACE));
  const indent = text.slice(text.lastIndexOf('\n', at) + 1, at);
  let first = true;
  for (const target of targets) {
    yield `${first ? text.slice(0, at) : `,\n${indent}`}${JSON.stringify(target, null, 2).replaceAll('\n', `\n${indent}`)}`;
    first = false;
  }
  yield first ? renderJson(head, { checks: [], colorLevel: 0 }) : `${text.slice(at + JSON.stringify(PLACE).length)}\n`;
}
