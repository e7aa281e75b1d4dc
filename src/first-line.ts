/** The first line of a message: an error from a library or a finding's message, where one line is wanted. */
export function firstLine(message: string | undefined): string {
  return (message ?? '').split('\n')[0] ?? '';
}
