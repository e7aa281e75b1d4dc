import type { ClusterState } from '../state/cluster-state.js';

/**
 * The fields of `resource` a Terraform plan knows only after apply
 * (ClusterState.unknownUntilApply) that are one of `paths`, lie under one, or
 * contain one (a whole block unknown). Such a field is absent from the data, so a
 * check reading it must not take the absence for "not set".
 */
export function unknownFields(state: ClusterState, resource: string, paths: readonly string[]): string[] {
  const fields = state.unknownUntilApply?.get(resource) ?? [];
  return fields.filter((field) => paths.some((path) => within(field, path) || within(path, field)));
}

function within(field: string, path: string): boolean {
  return field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);
}
