import { InputError } from '../errors.js';
import { isGsUrl, parseGsUrl } from '../fleet/gs-url.js';
import { REPORT_FORMATS } from '../report/formats.js';

/** One report to write: a format, and a file (stdout when none). */
export interface Output {
  format: string;
  file?: string;
}

/** `--output` and `--output-file` as given, in argv order (commander calls option parsers in that order). */
export type OutputFlag = { format: string } | { file: string };

/** Parsers for `-o/--output` (and its alias `--format`) and `--output-file`, both writing into one list in argv order. */
export function outputOptionParsers(): { flags: OutputFlag[]; addFormat: (format: string) => OutputFlag[]; addFile: (file: string) => OutputFlag[] } {
  const flags: OutputFlag[] = [];
  const addFormat = (format: string): OutputFlag[] => {
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new InputError(`--output ${format}: unknown format; use ${REPORT_FORMATS.join(', ')}`);
    flags.push({ format });
    return flags;
  };
  const addFile = (file: string): OutputFlag[] => {
    if (isGsUrl(file)) parseGsUrl(file);
    flags.push({ file });
    return flags;
  };
  return { flags, addFormat, addFile };
}

/**
 * The outputs to write (text to stdout by default), checked before anything runs. One
 * `--output` and one `--output-file` pair whatever their order (`--output-file r.sarif -o sarif`,
 * as trivy and ESLint users write it); with several, each `--output-file` goes with the
 * `--output` right before it. `--output-file -` is standard output.
 */
export function resolveOutputs(flags: readonly OutputFlag[]): Output[] {
  const formats = flags.filter((flag) => 'format' in flag).length;
  const files = flags.filter((flag): flag is { file: string } => 'file' in flag);
  let outputs: Output[];
  if (formats <= 1 && files.length <= 1) {
    const format = flags.find((flag) => 'format' in flag)?.format ?? 'text';
    outputs = formats === 0 && files.length === 0 ? [{ format }] : [{ format, ...(files[0] ? { file: files[0].file } : {}) }];
  } else {
    outputs = [];
    for (const flag of flags) {
      if ('format' in flag) {
        outputs.push({ format: flag.format });
        continue;
      }
      const last = outputs.at(-1);
      if (!last) throw new InputError(`--output-file ${flag.file} comes before any --output: with several, put each --output-file right after its --output`);
      if (last.file !== undefined) throw new InputError(`--output-file ${flag.file}: each --output-file follows its own --output (the previous one already goes to ${last.file})`);
      last.file = flag.file;
    }
  }
  const resolved = outputs.map(({ format, file }) => (file === undefined || file === '-' ? { format } : { format, file }));
  if (resolved.filter((output) => !output.file).length > 1) {
    throw new InputError('only one --output can go to standard output; give the others an --output-file');
  }
  return resolved;
}
