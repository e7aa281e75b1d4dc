#!/usr/bin/env node
/* global process, console */
// The release workflow's first step: refuses to publish while package.json names the placeholder
// repository, or when the pushed tag is not the package's version.
//
//   node scripts/check-release.mjs [PACKAGE_JSON]      (GITHUB_REF_NAME: the pushed tag)
//
// The repository URL is named once, in package.json `repository.url`; `homepage`, `bugs` and the
// `uses:` lines of the docs follow it (test/docs/release.test.ts holds them to it).
import { readFileSync } from 'node:fs';

/** What package.json says until a person names the real repository. */
const PLACEHOLDER_REPOSITORY = 'https://github.com/OWNER/gke-doctor';

const file = process.argv[2] ?? 'package.json';
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
const problems = [];
if (!url) problems.push(`${file} has no repository.url: npm publish --provenance needs it`);
else if (url.includes('/OWNER/')) problems.push(`${file}: repository.url is still the placeholder ${PLACEHOLDER_REPOSITORY}: name the real repository first (CONTRIBUTING.md: Releasing)`);
const tag = process.env.GITHUB_REF_NAME;
if (tag !== `v${pkg.version}`) problems.push(`the tag ${tag ?? '(none)'} is not v${pkg.version}, the version in ${file}`);
for (const problem of problems) console.error(`::error title=release::${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
