import { describe, expect, it } from 'vitest';
import type { OutputFlag } from '../../src/cli/output-flags.js';
import { resolveOutputs } from '../../src/cli/output-flags.js';
import { InputError } from '../../src/errors.js';

const format = (name: string): OutputFlag => ({ format: name });
const file = (name: string): OutputFlag => ({ file: name });

describe('resolveOutputs pairs each report format with its file', () => {
  it.each<[string, OutputFlag[], ReturnType<typeof resolveOutputs>]>([
    ['nothing: text to stdout', [], [{ format: 'text' }]],
    ['a file before its format (trivy and ESLint order)', [file('out.sarif'), format('sarif')], [{ format: 'sarif', file: 'out.sarif' }]],
    ['a file after its format', [format('sarif'), file('out.sarif')], [{ format: 'sarif', file: 'out.sarif' }]],
    ['a file alone: text to it', [file('out.txt')], [{ format: 'text', file: 'out.txt' }]],
    ['- for standard output', [format('json'), file('-')], [{ format: 'json' }]],
    ['several, each file after its format', [format('text'), format('sarif'), file('r.sarif'), format('junit'), file('r.xml')], [{ format: 'text' }, { format: 'sarif', file: 'r.sarif' }, { format: 'junit', file: 'r.xml' }]],
  ])('%s', (_name, flags, expected) => {
    expect(resolveOutputs(flags)).toEqual(expected);
  });

  it.each<[string, OutputFlag[], RegExp]>([
    ['a file before the first of several formats', [file('r.sarif'), format('sarif'), format('json')], /^--output-file r\.sarif comes before any --output: with several, put each --output-file right after its --output$/],
    ['two files for one format among several', [format('text'), format('sarif'), file('a'), file('b')], /^--output-file b: each --output-file follows its own --output \(the previous one already goes to a\)$/],
    ['two formats to standard output', [format('text'), format('json')], /only one --output can go to standard output/],
    ['two formats to standard output, one through -', [format('text'), format('json'), file('-')], /only one --output can go to standard output/],
  ])('refuses %s in one line', (_name, flags, message) => {
    expect(() => resolveOutputs(flags)).toThrow(InputError);
    expect(() => resolveOutputs(flags)).toThrow(message);
  });
});
