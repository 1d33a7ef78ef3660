// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthView, DetectionConfig, SettingsInput, SettingsView, Template } from '@/utils/shared/messages';
import type { OptionsActions, Result } from '@/utils/ui/connect';
import { OptionsApp } from './OptionsApp';
import { TYPING_SAVE_MS } from './options/shared';

afterEach(cleanup);

const baseView: SettingsView = {
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

function options(view: Partial<SettingsView> = {}, { settingsArrive = Promise.resolve() } = {}) {
  let current: SettingsView = { ...baseView, ...view };
  let auth: AuthView = { signedIn: false, user: null, needsSignIn: false };
  const saved: SettingsInput[] = [];
  const sites: string[] = [];
  const detections: DetectionConfig[] = [];
  const templates: Template[][] = [];
  const ok = <T,>(data: T): Promise<Result<T>> => Promise.resolve({ ok: true, data });
  const actions: OptionsActions = {
    getSettings: () => settingsArrive.then(() => ({ ok: true as const, data: current })),
    saveSettings: (input) => {
      saved.push(input);
      current = {
        ...current,
        ...input,
        hasSecret: current.hasSecret || Boolean(input.secret),
        undoChosen: current.undoChosen || input.undoSeconds !== undefined,
      };
      return ok(current);
    },
    saveDetection: (detection) => {
      detections.push(detection);
      current = { ...current, detection };
      return ok(current);
    },
    addSite: (origin) => {
      sites.push(origin);
      current = { ...current, dashboardSites: [...current.dashboardSites, { origin, enabled: true }] };
      return ok(current);
    },
    setSiteEnabled: (origin, enabled) => {
      current = { ...current, dashboardSites: current.dashboardSites.map((s) => (s.origin === origin ? { ...s, enabled } : s)) };
      return ok(current);
    },
    removeSite: (origin) => ok((current = { ...current, dashboardSites: current.dashboardSites.filter((s) => s.origin !== origin) })),
    authStatus: () => ok(auth),
    signIn: (email) => ok((auth = { signedIn: true, user: { id: 1, name: 'Omar', email }, needsSignIn: false })),
    signOut: () => ok((auth = { signedIn: false, user: null, needsSignIn: false })),
    listTemplates: () => ok([]),
    saveTemplates: (t) => {
      templates.push(t);
      return ok(t);
    },
    applyAppearance: async () => undefined,
  };
  render(<OptionsApp actions={actions} />);
  return { saved, sites, detection: detections, templates };
}

const textbox = (name: string) => screen.getByRole('textbox', { name }) as HTMLInputElement;
const set = (el: HTMLInputElement, value: string) => {
  el.value = value;
  fireEvent.input(el);
};

/** Fills the connection form as an administrator would: environment, base URL, agency code and, if given, secret. */
async function fillConnection(fields: { environment: string; baseUrl: string; agencyCode: string; secret?: string }) {
  const env = (await screen.findByRole('combobox', { name: 'Environment' })) as HTMLSelectElement;
  env.value = fields.environment;
  fireEvent.change(env);
  set(textbox('API base URL'), fields.baseUrl);
  set(textbox('Agency code'), fields.agencyCode);
  if (fields.secret !== undefined) set(screen.getByLabelText('Agency secret') as HTMLInputElement, fields.secret);
}

describe('OptionsApp', () => {
  it("lists its sections in a side list, the agent's Account first and the administrator's Connection last", async () => {
    options();
    await screen.findByRole('heading', { name: 'Account' });
    const nav = screen.getByRole('navigation', { name: 'Settings sections' });
    const links = Array.from(nav.querySelectorAll('a'));
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(links.map((a) => a.textContent)).toEqual(headings.filter((h) => h !== 'Ticket detection'));
    expect(headings[0]).toBe('Account');
    expect(headings.at(-1)).toBe(links.at(-1)!.textContent);
    // Each link leads to its section.
    for (const a of links) expect(document.getElementById(a.getAttribute('href')!.slice(1))?.tagName).toBe('SECTION');
  });

  it('saves a custom environment and keeps the secret out of view', async () => {
    const { saved } = options();
    await fillConnection({
      environment: 'custom',
      baseUrl: 'http://127.0.0.1:8787/',
      agencyCode: 'AGENCY123',
      secret: 'sandbox-secret-123',
    });
    const secret = screen.getByLabelText('Agency secret') as HTMLInputElement;
    expect(secret.type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({
      environment: 'custom',
      baseUrl: 'http://127.0.0.1:8787',
      agencyCode: 'AGENCY123',
      secret: 'sandbox-secret-123',
    });
    await waitFor(() => expect(secret.value).toBe(''));
    expect(secret.placeholder).toBe('stored');
  });

  it('shows no connection form until the stored settings arrive, so they cannot overwrite what was typed', async () => {
    let arrive!: () => void;
    const { saved } = options({}, { settingsArrive: new Promise<void>((r) => (arrive = r)) });
    expect(await screen.findByText('Loading settings…')).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: 'Environment' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    arrive();
    await fillConnection({
      environment: 'sandbox',
      baseUrl: 'http://127.0.0.1:8787',
      agencyCode: 'AGENCY123',
      secret: 'sandbox-secret-123',
    });
    expect(screen.queryByText('Loading settings…')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ environment: 'sandbox', baseUrl: 'http://127.0.0.1:8787', agencyCode: 'AGENCY123' });
  });

  it('keeps connection edits in progress when the detection section saves', async () => {
    const { detection } = options();
    await fillConnection({ environment: 'custom', baseUrl: 'http://127.0.0.1:9999', agencyCode: 'AGENCY9' });
    const patterns = screen.getByRole('textbox', { name: 'Ticket URL patterns' });
    fireEvent.input(patterns, { target: { value: '/case/{id}' } });
    fireEvent.change(patterns);
    await waitFor(() => expect(detection).toHaveLength(1));
    await waitFor(() => expect(document.body.textContent).toContain('Saved. Reload'));
    expect((screen.getByRole('combobox', { name: 'Environment' }) as HTMLSelectElement).value).toBe('custom');
    expect(textbox('API base URL').value).toBe('http://127.0.0.1:9999');
    expect(textbox('Agency code').value).toBe('AGENCY9');
  });

  it('refuses bad values with messages and loses nothing typed', async () => {
    const { saved } = options();
    await fillConnection({ environment: 'custom', baseUrl: 'ftp://nope', agencyCode: 'has space' });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/must start with http/)).toBeTruthy();
    expect(screen.getByText(/may hold letters/)).toBeTruthy();
    expect(screen.getByText('Enter the agency secret.')).toBeTruthy();
    expect(saved).toHaveLength(0);
    expect(textbox('API base URL').value).toBe('ftp://nope');
    expect(textbox('Agency code').value).toBe('has space');
  });

  it('shows the issued signature field only in issued mode', async () => {
    options({ agencyCode: 'A1', hasSecret: true });
    const mode = (await screen.findByRole('combobox', { name: 'Signature mode' })) as HTMLSelectElement;
    expect(screen.queryByRole('textbox', { name: 'Issued signature' })).toBeNull();
    mode.value = 'issued';
    fireEvent.change(mode);
    expect(screen.getByRole('textbox', { name: 'Issued signature' })).toBeTruthy();
  });

  it('signs in and out', async () => {
    options();
    set(await screen.findByRole('textbox', { name: 'Email' }), 'omar@agency.test');
    set(screen.getByLabelText('Password') as HTMLInputElement, 'pw');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Signed in as Omar (omar@agency.test)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('validates and adds a dashboard site, with a switch named by the origin', async () => {
    const { sites } = options();
    const box = await screen.findByRole('textbox', { name: 'Dashboard site' });
    set(box as HTMLInputElement, 'http://dashboard.example.com');
    fireEvent.click(screen.getByRole('button', { name: 'Add site' }));
    expect(await screen.findByText(/must use https/)).toBeTruthy();
    set(box as HTMLInputElement, 'https://dashboard.example.com/');
    fireEvent.click(screen.getByRole('button', { name: 'Add site' }));
    const toggle = (await screen.findByRole('switch', { name: 'https://dashboard.example.com' })) as HTMLInputElement;
    expect(sites).toEqual(['https://dashboard.example.com']);
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    await waitFor(() =>
      expect((screen.getByRole('switch', { name: 'https://dashboard.example.com' }) as HTMLInputElement).checked).toBe(false),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove https://dashboard.example.com' }));
    await waitFor(() => expect(screen.queryByRole('switch')).toBeNull());
  });

  it('stores the undo window as soon as it is chosen, or with the connection settings before they exist', async () => {
    const { saved } = options({ agencyCode: 'AGENCY123', hasSecret: true });
    const undo = (await screen.findByRole('combobox', { name: 'Undo window' })) as HTMLSelectElement;
    expect([...undo.options].map((o) => o.textContent)).toEqual([
      'Off: send at once',
      '5 seconds',
      '10 seconds',
      '20 seconds',
      '30 seconds',
    ]);
    undo.value = '10';
    fireEvent.change(undo);
    await screen.findByText('Undo window saved.');
    expect(saved.at(-1)).toMatchObject({ agencyCode: 'AGENCY123', undoSeconds: 10 });
    cleanup();

    const fresh = options();
    const later = (await screen.findByRole('combobox', { name: 'Undo window' })) as HTMLSelectElement;
    later.value = '5';
    fireEvent.change(later);
    await screen.findByText(/stored once the connection settings are saved/);
    expect(fresh.saved).toEqual([]);
    set(textbox('Agency code'), 'AGENCY123');
    set(screen.getByLabelText('Agency secret') as HTMLInputElement, 'sandbox-secret-123');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fresh.saved.at(-1)).toMatchObject({ undoSeconds: 5 }));
  });

  it('saving the connection without picking an undo window stores none (the onboarding may still offer one)', async () => {
    const { saved } = options();
    await screen.findByRole('combobox', { name: 'Undo window' });
    set(textbox('Agency code'), 'AGENCY123');
    set(screen.getByLabelText('Agency secret') as HTMLInputElement, 'sandbox-secret-123');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ agencyCode: 'AGENCY123' });
    expect(saved[0]).not.toHaveProperty('undoSeconds');
  });

  it('has exactly one button whose name contains "Save"', async () => {
    options();
    await screen.findByRole('combobox', { name: 'Environment' });
    expect(screen.getAllByRole('button', { name: /save/i })).toHaveLength(1);
  });
});

describe('OptionsApp after an expired session', () => {
  it('offers the sign-in form again with the email filled in', async () => {
    const actions = {
      getSettings: async () => ({ ok: true as const, data: baseView }),
      authStatus: async () => ({
        ok: true as const,
        data: { signedIn: true, user: { id: 1, name: 'Omar', email: 'omar@agency.test' }, needsSignIn: true },
      }),
      listTemplates: async () => ({ ok: true as const, data: [] }),
    } as unknown as OptionsActions;
    render(<OptionsApp actions={actions} />);
    expect(await screen.findByText(/Your session expired/)).toBeTruthy();
    await waitFor(() => expect(textbox('Email').value).toBe('omar@agency.test'));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('saves detection as made: a box losing focus after a change stores it, refusing bad lines and keeping them', async () => {
    const { detection } = options();
    const patterns = await screen.findByRole('textbox', { name: 'Ticket URL patterns' });
    expect(screen.queryByRole('button', { name: /detection/i })).toBeNull();
    fireEvent.input(patterns, { target: { value: '/support/case/' } });
    const selectors = screen.getByRole('textbox', { name: 'Ticket selectors' });
    fireEvent.input(selectors, { target: { value: 'div[' } });
    fireEvent.change(selectors);
    await waitFor(() => expect(document.body.textContent).toContain('needs {id}'));
    expect(document.body.textContent).toContain('not a valid CSS selector');
    expect((patterns as HTMLTextAreaElement).value).toBe('/support/case/');
    expect(detection).toHaveLength(0);
    fireEvent.input(patterns, { target: { value: '/support/case/{id}' } });
    fireEvent.change(patterns);
    fireEvent.input(selectors, { target: { value: '.case-number' } });
    fireEvent.change(selectors);
    await waitFor(() => expect(document.body.textContent).toContain('Saved. Reload'));
    expect(detection.at(-1)).toEqual({ urlPatterns: ['/support/case/{id}'], selectors: ['.case-number'] });
  });

  it('saves templates as made with a "Saved" note, and never stores a half-filled one', async () => {
    const { templates } = options();
    fireEvent.click(await screen.findByRole('button', { name: 'Add template' }));
    expect(screen.queryByRole('button', { name: /Update|Save templates/ })).toBeNull();
    const name = screen.getByRole('textbox', { name: 'Template name' }) as HTMLInputElement;
    const body = screen.getByRole('textbox', { name: 'Template text' }) as HTMLTextAreaElement;
    set(name, 'Keys');
    fireEvent.change(name);
    await screen.findByText('Not saved yet: each template needs a name and a text.');
    expect(templates).toHaveLength(0);
    fireEvent.input(body, { target: { value: 'Your key box is {{box.code}}.' } });
    fireEvent.change(body);
    const section = document.getElementById('templates')!;
    await waitFor(() => expect(section.querySelector('[role=status]')?.textContent).toBe('Saved'));
    expect(templates.at(-1)).toEqual([expect.objectContaining({ name: 'Keys', body: 'Your key box is {{box.code}}.' })]);
    // A new blank template is not stored, and does not hold back the others; a delete is saved at once.
    fireEvent.click(screen.getByRole('button', { name: 'Add template' }));
    fireEvent.click(screen.getByRole('button', { name: /Delete.*Keys/ }));
    await waitFor(() => expect(templates.at(-1)).toEqual([]));
    await waitFor(() => expect(section.querySelector('[role=status]')?.textContent).toBe('Saved'));
  });

  it('keeps an edit that never lost focus: saved after a pause in typing, and at once when the page closes', async () => {
    const { templates, detection } = options();
    fireEvent.click(await screen.findByRole('button', { name: 'Add template' }));
    const name = screen.getByRole('textbox', { name: 'Template name' }) as HTMLInputElement;
    const body = screen.getByRole('textbox', { name: 'Template text' }) as HTMLTextAreaElement;
    set(name, 'Keys');
    // A pause with only the name typed: nothing stored, and no "not saved" note while the agent is typing.
    await new Promise((resolve) => setTimeout(resolve, TYPING_SAVE_MS + 100));
    expect(templates).toHaveLength(0);
    expect(document.getElementById('templates')!.querySelector('[role=status]')?.textContent).toBe('');
    fireEvent.input(body, { target: { value: 'Your key box is ready.' } });
    await waitFor(() => expect(templates.at(-1)).toEqual([expect.objectContaining({ name: 'Keys', body: 'Your key box is ready.' })]), {
      timeout: TYPING_SAVE_MS + 1000,
    });
    // Typed, then the tab closed at once (no blur, no pause): the page's hiding stores it.
    fireEvent.input(body, { target: { value: 'Your key box is ready. Code 4411.' } });
    const patterns = screen.getByRole('textbox', { name: 'Ticket URL patterns' });
    fireEvent.input(patterns, { target: { value: '/support/case/{id}' } });
    const before = templates.length;
    window.dispatchEvent(new Event('pagehide'));
    // Well inside the typing pause: only the page's hiding can have stored them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(templates.at(-1)?.[0]?.body).toBe('Your key box is ready. Code 4411.');
    expect(templates.length).toBe(before + 1);
    expect(detection.at(-1)).toEqual({ urlPatterns: ['/support/case/{id}'], selectors: [] });
    // A half-typed pattern is neither stored nor flagged while typing; losing focus flags it.
    fireEvent.input(patterns, { target: { value: '/support/case/' } });
    window.dispatchEvent(new Event('pagehide'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(detection).toHaveLength(1);
    expect(document.body.textContent).not.toContain('needs {id}');
    fireEvent.change(patterns);
    await waitFor(() => expect(document.body.textContent).toContain('needs {id}'));
    expect(detection).toHaveLength(1);
  });

  it('the connection keeps its Save button and shows the same "Saved" note', async () => {
    options();
    set(await screen.findByRole('textbox', { name: 'Agency code' }), 'AGENCY123');
    set(screen.getByLabelText('Agency secret') as HTMLInputElement, 'sandbox-secret-123');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const section = document.getElementById('connection')!;
    await waitFor(() => expect(section.querySelector('[role=status]')?.textContent).toBe('Saved'));
  });
});
