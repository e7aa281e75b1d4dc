import type { Fix } from '../../engine/check.js';

/**
 * A fix the user applies by hand: what to do and the kubectl/gcloud commands that show or change it, with no
 * Terraform (what the load-balancer controllers complain about is mostly Kubernetes objects or their own state).
 */
export function manualFix(summary: string, commands: readonly string[] = []): Fix {
  return { summary, commands: [...commands], terraform: null, automatic: false };
}
