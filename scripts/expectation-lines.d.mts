import type { Report } from '../src/engine/report.js';

export function expectationLines(report: Pick<Report, 'checks'>): string[];
