import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** gke-doctor's version from package.json: one level up from src/, two from dist/src/. */
export const VERSION: string = ['../package.json', '../../package.json']
  .map((path) => {
    try {
      return (require(path) as { name?: string; version?: string });
    } catch {
      return undefined;
    }
  })
  .find((pkg) => pkg?.name === 'gke-doctor')?.version ?? '0.0.0';
