/**
 * The report formats by name, in the order help and errors list them: known without loading a
 * renderer, so parsing `--output` (and `--help`) loads none. index.ts has a renderer for each.
 */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'json-lines', 'html', 'openmetrics'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];
