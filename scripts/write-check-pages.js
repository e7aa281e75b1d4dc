// npm run docs: writes docs/checks/ID.md for every built-in check from its metadata (run after
// npm run build), and removes the page of a check that no longer exists.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { URL } from 'node:url';
import { builtinChecks } from '../dist/checks/index.js';
import { renderCheckPage } from '../dist/src/report/check-page.js';

const directory = new URL('../docs/checks/', import.meta.url);
await mkdir(directory, { recursive: true });
const pages = new Set(builtinChecks.map((check) => `${check.id}.md`));
for (const check of builtinChecks) await writeFile(new URL(`${check.id}.md`, directory), renderCheckPage(check));
for (const file of await readdir(directory)) if (file.endsWith('.md') && !pages.has(file)) await rm(new URL(file, directory));
console.log(`docs/checks: ${pages.size} pages`);
