import { describe, expect, it } from 'vitest';
import { enabledPatterns, isEnabledDashboard, normaliseOrigin } from './dashboard-sites';

describe('dashboard sites', () => {
  it.each([
    ['https://dash.example.com/tickets?x=1', 'https://dash.example.com'],
    ['  http://127.0.0.1:8787 ', 'http://127.0.0.1:8787'],
    ['dash.example.com', null],
    ['javascript:alert(1)', null],
    ['https://user:pw@dash.example.com', null],
  ])('normalises %s', (input, expected) => expect(normaliseOrigin(input)).toBe(expected));

  it('matches a portless site on any port and a ported one on its port only', () => {
    const sites = [
      { origin: 'http://127.0.0.1', enabled: true },
      { origin: 'https://dash.example.com:8443', enabled: true },
      { origin: 'https://off.example.com', enabled: false },
    ];
    expect(isEnabledDashboard(sites, 'http://127.0.0.1:9999')).toBe(true);
    expect(isEnabledDashboard(sites, 'https://dash.example.com:8443')).toBe(true);
    expect(isEnabledDashboard(sites, 'https://dash.example.com')).toBe(false);
    expect(isEnabledDashboard(sites, 'https://off.example.com')).toBe(false);
    expect(isEnabledDashboard(sites, 'http://evil.127.0.0.1.example')).toBe(false);
    expect(enabledPatterns(sites)).toEqual(['http://127.0.0.1/*', 'https://dash.example.com/*']);
  });
});
