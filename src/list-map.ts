/** Adds `value` to the list under `key`, starting the list when there is none. */
export function addToList<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
