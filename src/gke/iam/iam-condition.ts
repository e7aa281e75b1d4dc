import type { ASTNode } from '@marcbachmann/cel-js';
import { parse } from '@marcbachmann/cel-js';

/**
 * What an IAM condition decides offline, at `now` and from then on:
 * - `holds`: true now and at every later time (only `request.time` bounds that are already met);
 * - `expired`: false now and at every later time (a `request.time` bound that has passed);
 * - `until`: true now, false from `until` on (a bound that will pass);
 * - `from`: false now, true from `from` on;
 * - `depends`: it reads attributes known only when a request is made (resource name, type, tags…),
 *   or it could not be parsed.
 */
export type ConditionVerdict =
  | { verdict: 'holds' }
  | { verdict: 'expired'; since: string | null }
  | { verdict: 'until'; until: string }
  | { verdict: 'from'; from: string }
  | { verdict: 'depends'; why: string };

type Truth = true | false | 'unknown';

/** A comparison of `request.time` with a constant timestamp, the only attribute known offline. */
interface TimeBound {
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  at: number;
}

/**
 * Evaluates an IAM condition expression (CEL, https://cloud.google.com/iam/docs/conditions-overview)
 * as far as it can be offline: `request.time` compared with `timestamp("…")`, combined with
 * `&&`, `||`, `!` (three-valued, so an unknown attribute stays unknown unless the rest decides).
 * The expression is parsed with a CEL parser; nothing is matched with regular expressions.
 */
export function evaluateCondition(expression: string, now: Date): ConditionVerdict {
  let ast: ASTNode;
  try {
    ast = parse(expression).ast;
  } catch (error) {
    return { verdict: 'depends', why: `the expression could not be parsed (${(error as Error).message.split('\n')[0]})` };
  }
  const bounds: TimeBound[] = [];
  collectTimeBounds(ast, bounds);
  // The truth only changes at the bounds' instants: look at now, at each later instant and just after it.
  const instants = [now.getTime(), ...bounds.flatMap((bound) => [bound.at, bound.at + 1])].filter((time) => time >= now.getTime()).sort((a, b) => a - b);
  const truths = instants.map((time) => truthAt(ast, time));
  if (truths.includes('unknown')) return { verdict: 'depends', why: 'it reads attributes known only when a request is made' };
  const [first] = truths;
  if (truths.every((truth) => truth === true)) return { verdict: 'holds' };
  if (truths.every((truth) => truth === false)) {
    const passed = bounds.filter((bound) => bound.at <= now.getTime()).map((bound) => bound.at);
    return { verdict: 'expired', since: passed.length > 0 ? new Date(Math.max(...passed)).toISOString() : null };
  }
  const change = instants[truths.findIndex((truth) => truth !== first)]!;
  return first === true ? { verdict: 'until', until: new Date(change).toISOString() } : { verdict: 'from', from: new Date(change).toISOString() };
}

function truthAt(node: ASTNode, time: number): Truth {
  switch (node.op) {
    case 'value':
      return typeof node.args === 'boolean' ? node.args : 'unknown';
    case '&&': {
      const [left, right] = node.args.map((arg) => truthAt(arg, time));
      if (left === false || right === false) return false;
      return left === true && right === true ? true : 'unknown';
    }
    case '||': {
      const [left, right] = node.args.map((arg) => truthAt(arg, time));
      if (left === true || right === true) return true;
      return left === false && right === false ? false : 'unknown';
    }
    case '!_': {
      const inner = truthAt(node.args, time);
      return inner === 'unknown' ? 'unknown' : !inner;
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '==':
    case '!=': {
      const bound = timeBound(node);
      return bound ? compare(time, bound) : 'unknown';
    }
    default:
      return 'unknown';
  }
}

function compare(time: number, { operator, at }: TimeBound): boolean {
  switch (operator) {
    case '<':
      return time < at;
    case '<=':
      return time <= at;
    case '>':
      return time > at;
    case '>=':
      return time >= at;
    case '==':
      return time === at;
    case '!=':
      return time !== at;
  }
}

function collectTimeBounds(node: ASTNode, bounds: TimeBound[]): void {
  const bound = timeBound(node);
  if (bound) bounds.push(bound);
  if (node.op === '&&' || node.op === '||') node.args.forEach((arg) => collectTimeBounds(arg, bounds));
  if (node.op === '!_') collectTimeBounds(node.args, bounds);
}

const FLIPPED = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' } as const;

/** `request.time OP timestamp("…")`, or the same written the other way round. */
function timeBound(node: ASTNode): TimeBound | undefined {
  if (!['<', '<=', '>', '>=', '==', '!='].includes(node.op)) return undefined;
  const operator = node.op as TimeBound['operator'];
  const [left, right] = node.args as [ASTNode, ASTNode];
  if (isRequestTime(left)) {
    const at = timestampLiteral(right);
    return at === undefined ? undefined : { operator, at };
  }
  if (isRequestTime(right)) {
    const at = timestampLiteral(left);
    return at === undefined ? undefined : { operator: FLIPPED[operator], at };
  }
  return undefined;
}

function isRequestTime(node: ASTNode): boolean {
  return node.op === '.' && node.args[1] === 'time' && node.args[0].op === 'id' && node.args[0].args === 'request';
}

/** `timestamp("2024-01-01T00:00:00Z")`: an RFC 3339 time, as CEL's timestamp() takes it. */
function timestampLiteral(node: ASTNode): number | undefined {
  if (node.op !== 'call' || node.args[0] !== 'timestamp' || node.args[1].length !== 1) return undefined;
  const [argument] = node.args[1];
  if (argument?.op !== 'value' || typeof argument.args !== 'string') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(argument.args)) return undefined;
  const time = Date.parse(argument.args);
  return Number.isNaN(time) ? undefined : time;
}
