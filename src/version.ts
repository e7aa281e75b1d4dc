import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface PackageJson {
  name?: string;
  version?: string;
  repository?: string | { url?: string };
}

/** gke-doctor's package.json: one level up from src/, two from dist/src/ and dist/bundle/. */
const packageJson: PackageJson | undefined = ['../package.json', '../../package.json']
  .map((path) => {
    try {
      return require(path) as PackageJson;
    } catch {
      return undefined;
    }
  })
  .find((pkg) => pkg?.name === 'gke-doctor');

export const VERSION: string = packageJson?.version ?? '0.0.0';

/**
 * The repository's web address, from package.json `repository.url`, the one place it is named
 * (`git+https://github.com/OWNER/gke-doctor.git` is `https://github.com/OWNER/gke-doctor`).
 */
export const REPOSITORY_URL: string = repositoryWebUrl(packageJson?.repository);

export function repositoryWebUrl(repository: PackageJson['repository']): string {
  const url = (typeof repository === 'string' ? repository : repository?.url) ?? 'https://github.com/OWNER/gke-doctor';
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}
