import { InputError } from '../errors.js';

/** A `gs://BUCKET/OBJECT` URL; `object` may be a prefix (empty for the whole bucket). */
export interface GsUrl {
  bucket: string;
  object: string;
}

export function isGsUrl(text: string): boolean {
  return text.startsWith('gs://');
}

export function parseGsUrl(text: string): GsUrl {
  const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (!match) throw new InputError(`${text}: not a Cloud Storage URL (gs://BUCKET/OBJECT)`);
  return { bucket: match[1]!, object: match[2] ?? '' };
}
