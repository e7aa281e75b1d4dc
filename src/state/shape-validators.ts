import type { ValidateFunction } from 'ajv';
import type { ShapeName } from './data-shape-schemas.js';
import { SHAPE_AJV_OPTIONS, SHAPE_SCHEMAS } from './data-shape-schemas.js';

export type ShapeValidators = Record<ShapeName, ValidateFunction>;

let validators: Promise<ShapeValidators> | undefined;

/**
 * The schemas compiled by ajv, once, on first use. The promise is kept, not its result:
 * reads run concurrently, and each one that came before the compile finished would
 * otherwise compile every schema again. The published bundle replaces this module with the
 * same validators compiled at build time (ajv's standalone code, scripts/bundle.js): the
 * compile took about half of a `check --snapshot` run.
 */
export function shapeValidators(): Promise<ShapeValidators> {
  validators ??= import('ajv').then(({ Ajv }) => {
    const ajv = new Ajv(SHAPE_AJV_OPTIONS);
    return Object.fromEntries(Object.entries(SHAPE_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)])) as ShapeValidators;
  });
  return validators;
}
