import { randomBytes } from 'node:crypto';

/** Unguessable, so that no text in a report (an API's error message) can be taken for a slot. */
const NONCE = randomBytes(8).toString('hex');

/** Stands for an array of a JSON document whose elements are written one at a time (`streamJsonText`). */
export function slot(index: number): string {
  return `\u0000gke-doctor-slot-${NONCE}-${index}\u0000`;
}

/**
 * `${JSON.stringify(value, null, 2)}\n`, where each array `[slot(i)]` in `value` holds the
 * elements of `slots[i]`, written an element at a time: JSON.stringify indents a nested value as
 * it would alone, each line after the first shifted by its depth, so the text is the same as
 * that of the whole document in memory.
 */
export function* streamJsonText(value: unknown, slots: readonly Iterable<unknown>[]): Generator<string> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const places = slots.map((items, index) => ({ items, at: text.indexOf(JSON.stringify(slot(index))), length: JSON.stringify(slot(index)).length })).sort((a, b) => a.at - b.at);
  let from = 0;
  for (const { items, at, length } of places) {
    const indent = text.slice(text.lastIndexOf('\n', at) + 1, at);
    let first = true;
    for (const item of items) {
      yield first ? text.slice(from, at) : `,\n${indent}`;
      yield JSON.stringify(item, null, 2).replaceAll('\n', `\n${indent}`);
      first = false;
    }
    if (first) {
      // No element: `[]`, as JSON.stringify writes an empty array.
      yield `${text.slice(from, text.lastIndexOf('[', at))}[]`;
      from = text.indexOf(']', at + length) + 1;
    } else from = at + length;
  }
  yield text.slice(from);
}
