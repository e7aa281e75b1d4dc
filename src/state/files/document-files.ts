import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Every .yaml, .yml and .json file under `directory`, in a stable order. */
export async function listDocumentFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((entry) => /\.(ya?ml|json)$/i.test(entry.name))
      .map(async (entry) => {
        const path = join(entry.parentPath ?? entry.path, entry.name);
        if (entry.isFile()) return path;
        // A symbolic link to a file counts (skipping it would hide what it holds); a broken one is read, and named.
        if (!entry.isSymbolicLink()) return undefined;
        const target = await stat(path).catch(() => undefined);
        return !target || target.isFile() ? path : undefined;
      }),
  );
  return files.filter((file): file is string => file !== undefined).sort();
}
