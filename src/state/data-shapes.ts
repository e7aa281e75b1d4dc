/**
 * Whether data a source read has the types its API defines for the fields checks read
 * (the schemas: data-shape-schemas.ts): a string where a list belongs is refused where it
 * was read, in one line naming the file or API and the field.
 */
import type { ErrorObject } from 'ajv';
import type { GcpDataKey } from './cluster-state.js';
import type { EnvelopeName } from './data-shape-schemas.js';
import type { KubeObject } from './kubernetes-types.js';
import { shapeValidators } from './shape-validators.js';
import { fieldPath } from '../field-path.js';

/** The first field of a Kubernetes object whose type is wrong, as `spec.ports must be an array`; undefined when well-typed. */
export async function kubernetesShapeProblem(value: KubeObject): Promise<string | undefined> {
  return (await kubernetesShapeChecker())(value);
}

/** The same as a function that answers at once (for objects checked one by one as a list page streams in). */
export async function kubernetesShapeChecker(): Promise<(value: KubeObject) => string | undefined> {
  const validate = (await shapeValidators()).kubernetes;
  return (value) => (validate(value) ? undefined : problem(validate.errors));
}

/** The same for a piece of GCP data, in the shape gcloud prints it. */
export async function gcpShapeProblem(key: GcpDataKey, value: unknown): Promise<string | undefined> {
  const validate = (await shapeValidators())[key];
  return validate(value) ? undefined : problem(validate.errors);
}

/** The same for a list page or a discovery document, before anything in it is read. */
export async function envelopeProblem(name: EnvelopeName, value: unknown): Promise<string | undefined> {
  const validate = (await shapeValidators())[name];
  if (Array.isArray(value)) return 'a JSON array where an object belongs';
  return validate(value) ? undefined : problem(validate.errors);
}

function problem(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.find((candidate) => candidate.keyword !== 'if') ?? errors?.[0];
  if (!error) return 'unexpected shape';
  const field = fieldPath(error.instancePath);
  const what = error.keyword === 'type' ? `must be ${article(String(error.params.type))}` : error.keyword === 'required' ? `needs "${String(error.params.missingProperty)}"` : (error.message ?? 'is not valid');
  return `${field || 'the document'} ${what}`;
}

function article(type: string): string {
  const names = type.split(',').map((name) => ({ object: 'an object', array: 'a list', string: 'a string', integer: 'an integer', boolean: 'true or false', number: 'a number' })[name] ?? name);
  return names.join(' or ');
}
