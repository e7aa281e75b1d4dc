import type { Check } from '../engine/check.js';
import type { Report } from '../engine/report.js';

export interface RenderContext {
  /** The checks that ran, for their metadata (help text, references). */
  checks: readonly Check[];
  /** chalk colour level: 0 none, 1 basic, 2 256 colours, 3 truecolor. */
  colorLevel: 0 | 1 | 2 | 3;
  /** When the report is written (the CLI's clock); renderers that state times use it. */
  now?: Date;
}

export type Renderer = (report: Report, context: RenderContext) => string;
