#!/usr/bin/env node
import { exit, main } from '../dist/bundle/cli.js';

exit(await main(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => new Date() }));
