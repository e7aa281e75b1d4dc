import type { Renderer } from './format.js';

/** The version-1 JSON report of DESIGN.md. */
export const renderJson: Renderer = (report) => `${JSON.stringify(report, null, 2)}\n`;
