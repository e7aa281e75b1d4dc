/**
 * A request path as reports print it: without its query (`/ready?token=…` -> `/ready`). A probe's
 * or a health check's query can carry a credential and reports are shared (issue 21); checks
 * still compare, and `--probe` still sends, the whole path.
 */
export function shownPath(path: string): string {
  const query = path.indexOf('?');
  return query < 0 ? path : path.slice(0, query);
}
