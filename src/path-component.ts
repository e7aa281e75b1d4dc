import { createHash } from 'node:crypto';
import { isAbsolute, join, relative } from 'node:path';

/** Characters a name from an API keeps in a file name; anything else could climb (`/`, `..`), end a C string (NUL) or confuse a shell. */
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/**
 * A file or directory name for a string that came from an API (a kind, a namespace, a
 * cluster's name): the string itself when it is a plain name, else its plain characters and a
 * hash of the whole. So no name served by an API server can reach another directory (`..`,
 * `/`), a hidden file (a leading dot), or past the file system's name limit, and two different
 * names do not share a file.
 */
export function pathComponent(name: string): string {
  if (PLAIN.test(name)) return name;
  const plain = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 64);
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return plain ? `${plain}-${hash}` : hash;
}

/** `directory` joined with `names`, each made a plain path component; throws if the result is not below `directory`. */
export function pathInside(directory: string, ...names: string[]): string {
  const path = join(directory, ...names.map(pathComponent));
  const below = relative(directory, path);
  if (below === '' || below.startsWith('..') || isAbsolute(below)) throw new Error(`${JSON.stringify(names.join('/'))} is not a path below ${directory}`);
  return path;
}
