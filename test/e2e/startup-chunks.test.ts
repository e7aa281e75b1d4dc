import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.js';

interface Metafile {
  outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
}

/** Every output file `entry` loads before it runs (its static imports, transitively), with the sources in each. */
function staticClosure(meta: Metafile, entry: string): { files: string[]; inputs: string[]; builtins: string[] } {
  const files = new Set<string>();
  const builtins = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const { path, kind, external } of meta.outputs[file]!.imports) {
      if (kind !== 'import-statement') continue;
      if (external) builtins.add(path);
      else visit(path);
    }
  };
  visit(entry);
  return { files: [...files], inputs: [...files].flatMap((file) => Object.keys(meta.outputs[file]!.inputs)), builtins: [...builtins] };
}

// The bundle's layout (scripts/bundle.js writes dist/bundle-meta.json beside it): what `--help`
// costs at start-up is what cli.js loads before main() runs (bench/notes.md, Start-up).
describe('the bundle cli.js', () => {
  const meta = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/bundle-meta.json'), 'utf8')) as Metafile;
  const cli = staticClosure(meta, 'dist/bundle/cli.js');

  it('loads commander and the program only: each command imports what it runs when it runs', () => {
    const heavy = cli.inputs.filter((input) =>
      /node_modules\/(yaml|js-yaml|ajv|@marcbachmann|picomatch|lilconfig|@kubernetes|google-auth-library)\/|^checks\/|^src\/(report\/index|state\/(snapshot|plan|live\/live-source|shape-validators|data-shapes)|engine\/runner|fleet\/run-fleet)|-action\.ts$/.test(input),
    );
    expect(heavy).toEqual([]);
    expect(cli.inputs).toContain('src/cli/program.ts');
  });

  it('imports no node:http as an ES module (Node 22 then builds every export of it, undici included)', () => {
    expect(cli.builtins).not.toContain('node:http');
  });
});
