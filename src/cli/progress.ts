import type { Progress } from '../state/live/progress.js';
import { silentProgress } from '../state/live/progress.js';
import type { OutputStream } from './process-io.js';
import { printable } from '../terminal-text.js';

/**
 * One progress line on stderr, rewritten in place: what is being read and how
 * many objects so far. Only on a terminal, and never with `--quiet` or `-v` (whose
 * request lines it would overwrite); notes (data read only in part) go to stderr unless `--quiet`.
 */
export function stderrProgress(quiet: boolean, stream: OutputStream, verbose = false): Progress {
  if (quiet) return silentProgress;
  if (!stream.isTTY || verbose) return { ...silentProgress, note: (message) => void stream.write(`gke-doctor: note: ${printable(message)}\n`) };
  const reading = new Set<string>();
  let objects = 0;
  let shown = false;
  const render = () => {
    const what = [...reading].slice(0, 3).join(', ') + (reading.size > 3 ? `, +${reading.size - 3}` : '');
    const line = printable(`gke-doctor: reading ${what || '…'} (${objects} objects so far)`);
    stream.write(`\r\x1b[K${line.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
    shown = true;
  };
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  // Ctrl-C while reading: leave a clean line behind, and the exit code a shell expects after SIGINT.
  const interrupted = () => {
    clear();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  return {
    start(what) {
      reading.add(what);
      render();
    },
    done(what, count) {
      reading.delete(what);
      objects += count;
      render();
    },
    note(message) {
      clear();
      stream.write(`gke-doctor: note: ${printable(message)}\n`);
    },
    finish() {
      clear();
      process.removeListener('SIGINT', interrupted);
    },
  };
}
