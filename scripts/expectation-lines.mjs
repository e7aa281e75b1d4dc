// The lines a fixture README's "## Expected" section lists for a report (`check -o json`): every
// incomplete check and every finding not suppressed. Shared by scripts/write-fixture-expectations.mjs,
// which writes them, and test/fixtures/expectations.test.ts, which holds the READMEs to them.

/** @param {{ checks: { id: string; status: string; findings: { severity: string; resource: string; messageId?: string; suppressed?: boolean }[] }[] }} report */
export function expectationLines(report) {
  return report.checks.flatMap((check) => [
    ...(check.status === 'incomplete' ? [`- incomplete \`${check.id}\``] : []),
    ...check.findings.filter((finding) => !finding.suppressed).map((finding) => `- ${finding.severity} \`${check.id}\` ${finding.resource} (\`${finding.messageId ?? '-'}\`)`),
  ]);
}
