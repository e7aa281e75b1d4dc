import { StringDecoder } from 'node:string_decoder';

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
  /** Decodes each chunk to text (a character cut between chunks is kept for the next one); items are slices of it, not copies. */
  private readonly decoder = new StringDecoder('utf8');
  /** Depth of the character being read: 1 is inside the top-level object, 2 inside its `items`. */
  private depth = 0;
  private inString = false;
  /** The last chunk ended on a backslash inside a string: the next character is escaped. */
  private escapeNext = false;
  /** Inside the top-level object's `items` array. */
  private inItems = false;
  /** The text of the item being read that came in earlier chunks. */
  private itemBefore = '';
  /** Whether the item being read has begun (a character other than white space since the `[` or the last comma). */
  private itemBegun = false;
  /** Whether the array has had an item or a comma: then a `]` with nothing before it ends an empty item (`[1,]`), which JSON.parse refuses. */
  private itemsBefore = false;
  private envelope = '';
  /** The last string of the top-level object, while short enough to be `"items"` (at most 32 characters with every letter escaped). */
  private lastString: string | undefined;
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
    const text = this.decoder.write(chunk);
    const length = text.length;
    let index = 0;
    // Where, in this text, the item being read began, or the envelope's text resumed, or the last string began.
    let itemFrom = this.inItems ? 0 : -1;
    let envelopeFrom = this.inItems ? -1 : 0;
    let stringFrom = this.inString && this.stringInEnvelope ? 0 : -1;
    let backslash = -2;
    while (index < length) {
      if (this.inString) {
        if (this.escapeNext) {
          this.escapeNext = false;
          index++;
          continue;
        }
        // Strings are most of a page: jump to the next quote or backslash.
        const quote = text.indexOf('"', index);
        // The next backslash, looked for again only once passed (-1: none in this chunk), so a chunk is searched once.
        if (backslash !== -1 && backslash < index) backslash = text.indexOf('\\', index);
        if (backslash >= 0 && (quote < 0 || backslash < quote)) {
          if (backslash + 1 < length) index = backslash + 2;
          else {
            this.escapeNext = true;
            index = length;
          }
          continue;
        }
        if (quote < 0) break;
        index = quote + 1;
        this.inString = false;
        if (stringFrom >= 0) this.keepString(text, stringFrom, index);
        stringFrom = -1;
        continue;
      }
      const code = text.charCodeAt(index);
      if (this.inItems && this.depth === 2) {
        if (code === 0x2c || code === 0x5d) {
          // A comma or the closing bracket of `items`: the item before it is whole.
          this.endItem(text, itemFrom, index, code === 0x5d);
          itemFrom = index + 1;
          if (code === 0x5d) {
            this.inItems = false;
            this.depth--;
            itemFrom = -1;
            envelopeFrom = index;
          }
          index++;
          continue;
        }
        if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) this.itemBegun = true;
      }
      if (code === 0x22) {
        this.inString = true;
        this.stringInEnvelope = this.depth === 1;
        if (this.stringInEnvelope) {
          this.lastString = '';
          stringFrom = index;
        }
      } else if (code === 0x7b || code === 0x5b) {
        this.depth++;
        if (this.depth === 2 && code === 0x5b && this.key === 'items') {
          if (envelopeFrom >= 0) this.envelope += text.slice(envelopeFrom, index + 1);
          envelopeFrom = -1;
          if (this.itemsSeen) this.onItemsAgain();
          this.itemsSeen = true;
          this.inItems = true;
          this.itemBegun = false;
          this.itemsBefore = false;
          itemFrom = index + 1;
        }
      } else if (code === 0x7d || code === 0x5d) {
        this.depth--;
      } else if (code === 0x3a && this.depth === 1) {
        this.key = keyOf(this.lastString);
      }
      index++;
    }
    if (this.inItems && itemFrom >= 0) this.itemBefore += text.slice(itemFrom);
    if (envelopeFrom >= 0) this.envelope += text.slice(envelopeFrom);
    if (stringFrom >= 0) this.keepString(text, stringFrom, length);
  }

  /** The envelope's text, `items` empty. A body that broke off or is not JSON leaves a text JSON.parse refuses. */
  envelopeText(): string {
    return this.envelope + this.decoder.end();
  }

  private endItem(text: string, from: number, to: number, closing: boolean): void {
    let item = text.slice(Math.max(from, 0), to);
    if (this.itemBefore) {
      item = this.itemBefore + item;
      this.itemBefore = '';
    }
    const begun = this.itemBegun;
    this.itemBegun = false;
    if (closing && !begun && !this.itemsBefore) return;
    this.itemsBefore = true;
    this.onItem(item);
  }

  private keepString(text: string, from: number, to: number): void {
    if (this.lastString === undefined) return;
    this.lastString += text.slice(from, to);
    if (this.lastString.length > 64) this.lastString = undefined;
  }
}

/** The string `text` holds (a key, quotes included), or '' when it is not one. */
function keyOf(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    const key: unknown = JSON.parse(text);
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  }
}
