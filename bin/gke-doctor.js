#!/usr/bin/env node
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of the bundle on disk (NODE_COMPILE_CACHE, else the
// system's temporary directory) and reuse it on the next run: ~60 ms less CPU for a `check`
// (bench/notes.md, Start-up). Node 20 has no such cache; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// Before the bundle is imported, so its modules are compiled with it.
module.enableCompileCache?.();

// Node prints process warnings (a library's MetadataLookupWarning when no Google credentials
// are found, say) on stderr as lines of their own: an error must stay one line, and what the
// warning was about is said by gke-doctor itself.
process.removeAllListeners('warning');

const { exit, main } = await import('../dist/bundle/cli.js');
exit(await main(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => new Date() }));
