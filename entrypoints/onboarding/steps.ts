/** The onboarding steps' state, from the background's answers (pure, so it is unit-tested). */
import type { AuthView, SettingsView } from '@/utils/shared/messages';

export type StepId = 'environment' | 'signin' | 'site';

export interface StepState {
  id: StepId;
  done: boolean;
  /** What is configured, for the "done" line: an environment, a user, a list of sites. */
  detail: string | null;
  /** Set by the IT administrator's policy (storage.managed). */
  managed: boolean;
}

export function onboardingSteps(
  settings: SettingsView,
  auth: AuthView,
  environmentName: (env: SettingsView['environment']) => string,
): StepState[] {
  const hasSignature =
    settings.signatureMode === 'issued' ? settings.hasIssuedSignature : settings.agencyCode.trim() !== '' && settings.hasSecret;
  const envLabel = environmentName(settings.environment);
  const environmentDetail =
    settings.environment === 'custom' || settings.environment === 'sandbox' ? `${envLabel} (${settings.baseUrl})` : envLabel;
  // The loopback sites are enabled by default for the sandbox; they say nothing about a real agency.
  const local = isLoopback(settings.baseUrl);
  const sites = settings.dashboardSites.filter((s) => s.enabled && (local || !isLoopback(s.origin))).map((s) => s.origin);
  return [
    {
      id: 'environment',
      done: hasSignature,
      detail: hasSignature ? environmentDetail : null,
      managed: settings.managed.includes('environment') || settings.managed.includes('baseUrl'),
    },
    {
      id: 'signin',
      done: auth.signedIn && !auth.needsSignIn,
      detail: auth.user ? `${auth.user.name} <${auth.user.email}>` : null,
      managed: false,
    },
    {
      id: 'site',
      done: sites.length > 0,
      detail: sites.length ? sites.join(', ') : null,
      managed: settings.managed.includes('dashboardSites'),
    },
  ];
}

function isLoopback(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  } catch {
    return false;
  }
}
