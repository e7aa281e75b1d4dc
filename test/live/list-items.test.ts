// A list page split into its items as it arrives (src/state/live/list-items.ts) must read exactly what JSON.parse of
// the whole page reads, and refuse exactly what it refuses, wherever the chunks end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ListItemSplitter } from '../../src/state/live/list-items.js';

/** The page as the splitter reads it, in chunks ending at `cuts`: its envelope and items, or 'refused' where a part is not JSON. */
function split(text: string, cuts: readonly number[]): unknown {
  const bytes = Buffer.from(text);
  let items: unknown[] = [];
  let refused = false;
  const splitter = new ListItemSplitter(
    (item) => {
      try {
        items.push(JSON.parse(item));
      } catch {
        refused = true;
      }
    },
    () => (items = []),
  );
  let from = 0;
  for (const cut of [...new Set(cuts.map((at) => at % (bytes.length + 1)))].sort((a, b) => a - b)) {
    splitter.write(bytes.subarray(from, cut));
    from = cut;
  }
  splitter.write(bytes.subarray(from));
  try {
    const envelope = JSON.parse(splitter.envelopeText()) as Record<string, unknown>;
    if (refused) return 'refused';
    return Array.isArray(envelope.items) && envelope.items.length === 0 ? { ...envelope, items } : envelope;
  } catch {
    return 'refused';
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return 'refused';
  }
}

const POD = { metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', args: ['--x="]"', '\\', '{'], ports: [{ containerPort: 8080 }] }] } };
const KEYS = ['items', 'it\\u0065ms', 'kind', 'metadata', 'item', 'itemsx', 'a"b', '\\\\'];

describe('a list page split into its items', () => {
  it.each([
    ['a PodList', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { continue: 'abc', resourceVersion: '1' }, items: [POD, POD] })],
    ['items before the metadata, white space everywhere', ` { "items" : [ ${JSON.stringify(POD)} ,\n\t${JSON.stringify(POD)} ] , "kind":"PodList" , "metadata":{"continue":""} } `],
    ['no items', '{"kind":"PodList","items":[]}'],
    ['items of every type', '{"items":[1,"two",null,[3],{"four":[4]},true]}'],
    ['an escaped key', '{"it\\u0065ms":[{"a":1}],"kind":"PodList"}'],
    ['items twice: the last one counts', '{"items":[{"a":1}],"kind":"PodList","items":[{"b":2}]}'],
    ['items that are not a list', '{"items":{"a":[1]},"kind":"PodList"}'],
    ['items nested deeper', '{"metadata":{"items":[1,2]},"items":[3]}'],
    ['a string holding brackets, quotes and backslashes', '{"items":[{"a":"]}[{,\\"\\\\"}, "\\\\\\""],"kind":"x"}'],
    ['multi-byte text', JSON.stringify({ items: [{ name: 'Grüße, 世界 🌍' }, { note: '\u2028' }] })],
    ['a top-level list', '[{"items":[1]}]'],
  ])('%s: reads what JSON.parse reads, in chunks of every size', (_name, text) => {
    const bytes = Buffer.byteLength(text);
    for (let size = 1; size <= bytes; size++) {
      const cuts = Array.from({ length: Math.ceil(bytes / size) }, (_, index) => index * size);
      expect(split(text, cuts)).toEqual(parsed(text));
    }
  });

  it.each([
    ['cut short inside an item', '{"kind":"PodList","items":[{"a":1},{"b":'],
    ['cut short after the items', '{"kind":"PodList","items":[{"a":1}]'],
    ['a trailing comma', '{"items":[{"a":1},]}'],
    ['a leading comma', '{"items":[,{"a":1}]}'],
    ['two commas', '{"items":[{"a":1},,{"b":2}]}'],
    ['no comma between items', '{"items":[{"a":1} {"b":2}]}'],
    ['an item that is not JSON', '{"items":[{"a":01}]}'],
    ['a bracket too many', '{"items":[{"a":1}]}}'],
    ['an unclosed string', '{"items":[{"a":"1}]}'],
    ['text after the page', '{"items":[]} x'],
    ['an HTML page', '<html><body>502 Bad Gateway</body></html>'],
    ['nothing', ''],
  ])('%s: refused, as JSON.parse refuses it', (_name, text) => {
    expect(parsed(text)).toBe('refused');
    for (let size = 1; size <= Math.max(1, text.length); size++) expect(split(text, Array.from({ length: Math.ceil(text.length / size) }, (_, index) => index * size))).toBe('refused');
  });

  it('reads what JSON.parse reads of any JSON, and refuses what it refuses of any text cut from it, wherever the chunks end', () => {
    const key = fc.constantFrom(...KEYS);
    const value = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3 })),
    })).value;
    const page = fc.tuple(fc.dictionary(key, value, { maxKeys: 4 }), fc.array(value, { maxLength: 4 }), fc.boolean()).map(([envelope, items, withItems]) => {
      const text = JSON.stringify(withItems ? { ...envelope, items } : envelope).replace(/"it\\\\u0065ms"/g, '"it\\u0065ms"');
      return text;
    });
    fc.assert(
      fc.property(page, fc.array(fc.nat(), { maxLength: 6 }), fc.option(fc.nat()), (text, cuts, cutShort) => {
        const body = cutShort === null ? text : text.slice(0, cutShort % (text.length + 1));
        expect(split(body, cuts)).toEqual(parsed(body));
      }),
      { numRuns: 2000 },
    );
  });
});
