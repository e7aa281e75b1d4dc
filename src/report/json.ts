import type { FleetReport } from '../engine/fleet-report.js';
import type { FleetTargets } from '../engine/fleet-targets.js';
import type { Renderer } from './format.js';
import { slot, streamJsonText } from './json-slots.js';

/** The version-1 JSON report of DESIGN.md. */
export const renderJson: Renderer = (report) => `${JSON.stringify(report, null, 2)}\n`;

/** The same text as renderJson of the whole fleet report, a cluster at a time. */
export function streamJson(head: FleetReport, targets: FleetTargets): Generator<string> {
  return streamJsonText({ ...head, targets: [slot(0)] }, [targets.all()]);
}
