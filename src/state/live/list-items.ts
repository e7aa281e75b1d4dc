/**
 * A JSON list page (`{"kind":"PodList","metadata":{…},"items":[…]}`) split as its bytes arrive:
 * the text of each item of the top-level object's `items` array handed on by itself, and the
 * rest (the envelope, its `items` left empty) kept. Parsing each item alone means a page's whole
 * text and its whole parsed tree are never held at once, and each item's tree dies young, where
 * a page of 2,000 Pods is 8 MB of text and several times that parsed (bench/notes.md "Peak
 * memory"). It only finds where items begin and end (by depth, outside strings); JSON.parse still
 * reads every item and the envelope, so a body is accepted exactly when JSON.parse of the whole
 * would accept it: the envelope with its items put back is the whole.
 */
export class ListItemSplitter {
  /** Depth of the byte being read: 1 is inside the top-level object, 2 inside its `items`. */
  private depth = 0;
  private inString = false;
  /** Backslashes that ended the last chunk inside a string (an odd count escapes what comes next). */
  private carriedBackslashes = 0;
  /** Inside the top-level object's `items` array. */
  private inItems = false;
  /** The parts of the item being read that came in earlier chunks. */
  private itemParts: Buffer[] = [];
  /** Whether the item being read has begun (a byte other than white space since the `[` or the last comma). */
  private itemBegun = false;
  /** Whether the array has had an item or a comma: then a `]` with nothing before it ends an empty item (`[1,]`), which JSON.parse refuses. */
  private itemsBefore = false;
  private readonly envelope: Buffer[] = [];
  /** The last string of the top-level object, when short enough to be `"items"` (at most 32 bytes with every letter escaped). */
  private lastString: Buffer[] | undefined;
  private stringInEnvelope = false;
  /** The key whose value is being read in the top-level object. */
  private key = '';
  private itemsSeen = false;

  constructor(
    private readonly onItem: (text: string) => void,
    /** A second `items` in the same object: JSON.parse keeps the last, so the items so far are dropped. */
    private readonly onItemsAgain: () => void,
  ) {}

  write(chunk: Buffer): void {
    const length = chunk.length;
    let index = 0;
    // Where, in this chunk, the item being read began, or the envelope's text resumed, or the last string began.
    let itemFrom = this.inItems ? 0 : -1;
    let envelopeFrom = this.inItems ? -1 : 0;
    let stringFrom = this.inString && this.stringInEnvelope ? 0 : -1;
    while (index < length) {
      if (this.inString) {
        // Strings are most of a page: jump to the next quote.
        const quote = chunk.indexOf(0x22, index);
        if (quote < 0) {
          this.carriedBackslashes = backslashesBefore(chunk, length, index, this.carriedBackslashes);
          break;
        }
        const escaped = backslashesBefore(chunk, quote, index, this.carriedBackslashes) % 2 === 1;
        this.carriedBackslashes = 0;
        index = quote + 1;
        if (escaped) continue;
        this.inString = false;
        if (stringFrom >= 0) this.keepString(chunk, stringFrom, index);
        stringFrom = -1;
        continue;
      }
      const byte = chunk[index]!;
      if (this.inItems && this.depth === 2) {
        if (byte === 0x2c || byte === 0x5d) {
          // A comma or the closing bracket of `items`: the item before it is whole.
          this.endItem(chunk, itemFrom, index, byte === 0x5d);
          itemFrom = index + 1;
          if (byte === 0x5d) {
            this.inItems = false;
            this.depth--;
            itemFrom = -1;
            envelopeFrom = index;
          }
          index++;
          continue;
        }
        if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) this.itemBegun = true;
      }
      if (byte === 0x22) {
        this.inString = true;
        this.stringInEnvelope = this.depth === 1;
        if (this.stringInEnvelope) {
          this.lastString = [];
          stringFrom = index;
        }
      } else if (byte === 0x7b || byte === 0x5b) {
        this.depth++;
        if (this.depth === 2 && byte === 0x5b && this.key === 'items') {
          this.keepEnvelope(chunk, envelopeFrom, index + 1);
          envelopeFrom = -1;
          if (this.itemsSeen) this.onItemsAgain();
          this.itemsSeen = true;
          this.inItems = true;
          this.itemBegun = false;
          this.itemsBefore = false;
          itemFrom = index + 1;
        }
      } else if (byte === 0x7d || byte === 0x5d) {
        this.depth--;
      } else if (byte === 0x3a && this.depth === 1) {
        this.key = keyOf(this.lastString);
      }
      index++;
    }
    if (this.inItems && itemFrom >= 0) this.itemParts.push(chunk.subarray(itemFrom));
    if (envelopeFrom >= 0) this.keepEnvelope(chunk, envelopeFrom, length);
    if (stringFrom >= 0) this.keepString(chunk, stringFrom, length);
  }

  /** The envelope's text, `items` empty. A body that broke off or is not JSON leaves a text JSON.parse refuses. */
  envelopeText(): string {
    return Buffer.concat(this.envelope).toString('utf8');
  }

  private endItem(chunk: Buffer, from: number, to: number, closing: boolean): void {
    let bytes = chunk.subarray(Math.max(from, 0), to);
    if (this.itemParts.length > 0) {
      bytes = Buffer.concat([...this.itemParts, bytes]);
      this.itemParts = [];
    }
    const begun = this.itemBegun;
    this.itemBegun = false;
    if (closing && !begun && !this.itemsBefore) return;
    this.itemsBefore = true;
    this.onItem(bytes.toString('utf8'));
  }

  private keepEnvelope(chunk: Buffer, from: number, to: number): void {
    // A copy: the chunk is a slice of the socket's larger buffer.
    if (from >= 0 && to > from) this.envelope.push(Buffer.from(chunk.subarray(from, to)));
  }

  private keepString(chunk: Buffer, from: number, to: number): void {
    if (!this.lastString) return;
    const size = this.lastString.reduce((total, part) => total + part.length, 0) + to - from;
    if (size > 64) this.lastString = undefined;
    else this.lastString.push(Buffer.from(chunk.subarray(from, to)));
  }
}

/** The string `parts` hold (a key, quotes included), or '' when it is not one. */
function keyOf(parts: Buffer[] | undefined): string {
  if (!parts) return '';
  try {
    const key: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  }
}

/** How many backslashes come right before `at` in `chunk`, back to `from`; with `carried` (from the chunk before) when they reach `from`. */
function backslashesBefore(chunk: Buffer, at: number, from: number, carried: number): number {
  let index = at - 1;
  while (index >= from && chunk[index] === 0x5c) index--;
  const count = at - 1 - index;
  return index < from ? count + carried : count;
}
