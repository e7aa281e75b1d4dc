import { isAbsolute, relative } from 'node:path';

/**
 * A path as the user sees it: relative to the working directory (SARIF wants it
 * so, too), but absolute outside it, where `../../dev/null` would only puzzle.
 */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path) || '.';
  return isAbsolute(path) && fromHere.startsWith('..') ? path : fromHere;
}
