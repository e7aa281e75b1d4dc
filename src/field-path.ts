/** An ajv error's instancePath (a JSON Pointer, RFC 6901) as a field path: `/spec/ports/0/name` -> `spec.ports[0].name`. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
