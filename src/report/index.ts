import { isFleetReport } from '../engine/fleet-report.js';
import { renderFleetText } from './fleet-text.js';
import type { Renderer } from './format.js';
import type { ReportFormat } from './formats.js';
import { renderJson } from './json.js';
import { renderJsonLines } from './json-lines.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderOpenMetrics } from './openmetrics.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

/** Output formats by name: a new format is one file, one line here and its name in formats.ts. */
export const RENDERERS: Record<string, Renderer> = {
  text: (report, context) => (isFleetReport(report) ? renderFleetText(report, context) : renderText(report, context)),
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  'json-lines': renderJsonLines,
  html: renderHtml,
  openmetrics: renderOpenMetrics,
} satisfies Record<ReportFormat, Renderer>;
