#!/usr/bin/env node
import { exit, main } from '../dist/src/cli/main.js';

exit(await main(process.argv));
