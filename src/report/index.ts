import type { Renderer } from './format.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

/** Output formats by name: a new format is one file and one line here. */
export const RENDERERS: Record<string, Renderer> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
};
