import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/fixtures.js';

const DIR = `${REPO_ROOT}docs/ci/`;
const examples = readdirSync(DIR).filter((file) => /\.ya?ml$/.test(file));

describe('docs/ci examples', () => {
  it('has the three CI examples', () => {
    expect(examples.sort()).toEqual(['cloudbuild.yaml', 'github-actions.yml', 'gitlab-ci.yml']);
  });

  it.each(examples)('%s is YAML that runs gke-doctor on a plan and manifests, with a report file', (file) => {
    const text = readFileSync(`${DIR}${file}`, 'utf8');
    expect(() => parse(text)).not.toThrow();
    expect(text).toContain('terraform show -json tfplan');
    expect(text).toMatch(/gke-doctor[\s\S]*check[\s\S]*--terraform-plan[ =]tfplan\.json[\s\S]*--manifests[ =]rendered[\s\S]*--output[ =](sarif|junit)[\s\S]*--output-file/);
  });
});
