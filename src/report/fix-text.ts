import type { Fix } from '../engine/check.js';

/** A fix as plain text, for reports that carry no colour (SARIF, JUnit): summary, commands, Terraform. */
export function fixText(fix: Fix): string {
  const lines = [`Fix: ${fix.summary}`];
  for (const command of fix.commands) lines.push(command.startsWith('#') ? `  ${command}` : `  $ ${command}`);
  if (fix.terraform) lines.push('Terraform:', ...fix.terraform.split('\n').map((line) => `  ${line}`));
  return lines.join('\n');
}
