#!/usr/bin/env node
import { exit, main } from '../dist/bundle/cli.js';

// Node prints process warnings (a library's MetadataLookupWarning when no Google credentials
// are found, say) on stderr as lines of their own: an error must stay one line, and what the
// warning was about is said by gke-doctor itself.
process.removeAllListeners('warning');

exit(await main(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => new Date() }));
