import type { FixAction } from '../engine/check.js';
import type { Fixer } from './fixer.js';
import { finalizeNamespaceFixer } from './namespace-fixer.js';

type Registry = { [Kind in FixAction['kind']]: Fixer<Extract<FixAction, { kind: Kind }>> };

/** The fixers, by the action kind they apply. */
export const FIXERS: Registry = {
  'finalize-namespace': finalizeNamespaceFixer,
};

export function fixerFor<Action extends FixAction>(action: Action): Fixer<Action> {
  return FIXERS[action.kind] as Fixer<Action>;
}
