import { describe, expect, it } from 'vitest';
import type { AuthView, SettingsView } from '@/utils/shared/messages';
import { onboardingSteps } from './steps';

const settings: SettingsView = {
  environment: 'production',
  baseUrl: 'https://api.daakey.com',
  signatureMode: 'computed',
  agencyCode: '',
  hasSecret: false,
  hasIssuedSignature: false,
  dashboardSites: [],
  language: 'auto',
  theme: 'system',
  undoSeconds: 0,
  undoChosen: false,
  managed: [],
  detection: { urlPatterns: [], selectors: [] },
};
const signedOut: AuthView = { signedIn: false, user: null, needsSignIn: false };
const name = (env: string) => env.toUpperCase();

describe('onboardingSteps', () => {
  it('a fresh install has every step to do', () => {
    expect(onboardingSteps(settings, signedOut, name).map((s) => s.done)).toEqual([false, false, false]);
  });

  it('marks each step done from the settings and the session', () => {
    const steps = onboardingSteps(
      {
        ...settings,
        environment: 'custom',
        baseUrl: 'http://127.0.0.1:8787',
        agencyCode: 'AGENCY123',
        hasSecret: true,
        dashboardSites: [
          { origin: 'https://a.example.com', enabled: true },
          { origin: 'https://b.example.com', enabled: false },
        ],
        managed: ['dashboardSites'],
      },
      { signedIn: true, needsSignIn: false, user: { id: 7, name: 'Sara Haddad', email: 'agent@demo.daakey.test' } },
      name,
    );
    expect(steps).toEqual([
      { id: 'environment', done: true, detail: 'CUSTOM (http://127.0.0.1:8787)', managed: false },
      { id: 'signin', done: true, detail: 'Sara Haddad <agent@demo.daakey.test>', managed: false },
      { id: 'site', done: true, detail: 'https://a.example.com', managed: true },
    ]);
  });

  it('the default loopback sites only count while the API itself is on loopback', () => {
    const loopbackSites = [
      { origin: 'http://127.0.0.1', enabled: true },
      { origin: 'http://localhost', enabled: true },
    ];
    expect(onboardingSteps({ ...settings, dashboardSites: loopbackSites }, signedOut, name)[2]?.done).toBe(false);
    const sandbox = { ...settings, environment: 'sandbox' as const, baseUrl: 'http://127.0.0.1:8787', dashboardSites: loopbackSites };
    expect(onboardingSteps(sandbox, signedOut, name)[2]).toMatchObject({ done: true, detail: 'http://127.0.0.1, http://localhost' });
  });

  it('issued-signature mode needs the issued value; an expired session is not done', () => {
    const steps = onboardingSteps(
      { ...settings, signatureMode: 'issued', hasIssuedSignature: true, managed: ['environment'] },
      { signedIn: true, needsSignIn: true, user: null },
      name,
    );
    expect(steps[0]).toMatchObject({ done: true, detail: 'PRODUCTION', managed: true });
    expect(steps[1]?.done).toBe(false);
  });
});
