import picomatch from 'picomatch';
import type { RedirectingApplication } from '../gke/load-balancer/known-applications.js';
import type { RedirectingApplicationSetting } from './config.js';

/**
 * Applications the user declares (`checks.ingress-health-check.redirecting-applications`) as
 * answering the load balancer's plain-HTTP health check with a redirect, whatever their
 * settings: matched by container image.
 */
export function configuredRedirectingApplications(settings: readonly RedirectingApplicationSetting[], file: string): RedirectingApplication[] {
  return settings.map((setting) => {
    const matchesImage = picomatch(setting.image, { dot: true });
    return {
      name: setting.name,
      references: [],
      matches: (container) => matchesImage(container.image ?? ''),
      plainHttpAnswer: () => ({
        redirects: true,
        tls: 'unknown',
        status: setting.status ?? 301,
        why: `${file} declares that ${setting.name} (image ${setting.image}) answers plain HTTP with a redirect`,
        fix: {
          summary:
            setting.fix ??
            `Make ${setting.name} answer 200 to the load balancer's health check on plain HTTP, or point the check at a path that does (BackendConfig spec.healthCheck.requestPath).`,
          commands: [],
        },
      }),
    };
  });
}
