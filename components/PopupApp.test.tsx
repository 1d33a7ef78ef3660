// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { PopupActions } from '@/utils/ui/connect';
import { fakeActions, fakeTicket } from '@/tests/support/fake-actions';
import { PopupApp, repeatsId, sortDetected } from './PopupApp';

afterEach(cleanup);

function popup(
  detected = [
    { id: 3, primary: false, label: 'TK-2024-00003' },
    { id: 7, primary: true, label: 'TK-2024-00007' },
  ],
  initial: number | null = null,
) {
  const fake = fakeActions({
    getTicket: async (id) =>
      id === 99999
        ? { ok: false, error: { kind: 'not_found', status: 404, message: 'Ticket not found' } }
        : { ok: true, data: fakeTicket({ id, subject: `Subject ${id}` }) },
  });
  let opened = 0;
  const actions: PopupActions = {
    ...fake.actions,
    detectedTickets: async () => detected,
    openOptions: () => void opened++,
    agencyName: async () => 'AGENCY123',
  };
  render(<PopupApp actions={actions} initialTicketId={initial} typedLoadDelayMs={20} />);
  return { ...fake, opened: () => opened };
}

describe('PopupApp', () => {
  it('lists detected tickets, most relevant first, and opens the primary one', async () => {
    const { calls } = popup();
    const buttons = await screen.findAllByRole('button', { name: /TK-2024/ });
    expect(buttons.map((b) => b.textContent)).toEqual(['#7 TK-2024-00007', '#3 TK-2024-00003']);
    expect(await screen.findByText('Subject 7')).toBeTruthy();
    fireEvent.click(buttons[1]!);
    expect(await screen.findByText('Subject 3')).toBeTruthy();
    expect(calls.flush).toHaveLength(1);
  });

  it('does not repeat the ID in a chip whose label is only "Ticket #N"', async () => {
    popup([{ id: 1, primary: true, label: 'Ticket #1' }]);
    const [chip] = await screen.findAllByRole('button', { name: /^#1/ });
    expect(chip!.textContent).toBe('#1');
    expect(repeatsId('ticket 12', 12)).toBe(true);
    expect(repeatsId('Ticket #12 Car won’t start', 12)).toBe(false);
    expect(repeatsId('#120', 12)).toBe(false);
  });

  it('prefers ?ticket= over detection', async () => {
    popup(undefined, 42);
    expect(await screen.findByText('Subject 42')).toBeTruthy();
  });

  it.each([
    ['abc', /digits only/],
    ['0', /greater than zero/],
    ['', /Type the ticket number/],
    ['TK-2024-00001', /digits only/],
  ])('refuses the ticket ID %j and says why', async (value, message) => {
    popup([]);
    const box = screen.getByRole('textbox', { name: 'Ticket ID' }) as HTMLInputElement;
    box.value = value;
    fireEvent.input(box);
    fireEvent.submit(box.closest('form')!);
    expect(await screen.findByText(message)).toBeTruthy();
    expect(box.value).toBe(value);
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });

  it('opens a typed ticket', async () => {
    popup([]);
    const box = screen.getByRole('textbox', { name: 'Ticket ID' }) as HTMLInputElement;
    box.value = '12';
    fireEvent.input(box);
    fireEvent.submit(box.closest('form')!);
    expect(await screen.findByText('Subject 12')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeTruthy();
  });

  it('typing a Ticket ID loads that ticket; the field and the form never disagree at Send', async () => {
    const { calls } = popup([{ id: 1, primary: true, label: 'Ticket #1' }]);
    expect(await screen.findByText('Subject 1')).toBeTruthy();
    const idBox = screen.getByRole('textbox', { name: 'Ticket ID' }) as HTMLInputElement;
    expect(idBox.value).toBe('1');
    expect(screen.getByRole('button', { name: /^Send reply/ }).textContent).toBe('Send reply to #1');

    // Typed, not yet loaded: Send is unavailable and says why, whatever is in the box.
    const message = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    message.value = 'Meant for 12';
    fireEvent.input(message);
    idBox.value = '12';
    fireEvent.input(idBox);
    const send = screen.getByRole('button', { name: /^Send reply/ });
    expect(send.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(send);
    expect(screen.getByRole('status').textContent).toMatch(/Ticket ID says “12”, but the form shows ticket #1/);
    expect(calls.send).toHaveLength(0);

    // Loaded: the form shows #12, keeps the text, and Send names its target.
    expect(await screen.findByText('Subject 12')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('Meant for 12');
    const sendTo12 = screen.getByRole('button', { name: 'Send reply to #12' });
    expect(sendTo12.getAttribute('aria-disabled')).toBeNull();
    fireEvent.click(sendTo12);
    await waitFor(() => expect(calls.send).toHaveLength(1));
    expect(calls.send[0]!.slice(1, 3)).toEqual([12, 'Meant for 12']);
  });

  it('an unknown ticket typed over a detected one says so, keeps the text and sends nothing', async () => {
    const { calls } = popup([{ id: 1, primary: true, label: 'Ticket #1' }]);
    await screen.findByText('Subject 1');
    const idBox = screen.getByRole('textbox', { name: 'Ticket ID' }) as HTMLInputElement;
    idBox.value = '99999';
    fireEvent.input(idBox);
    const message = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    message.value = 'Where does this go?';
    fireEvent.input(message);
    expect(await screen.findByText(/Ticket #99999 was not found/)).toBeTruthy();
    const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    expect(box.value).toBe('Where does this go?');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    expect(screen.getByRole('status').textContent).toMatch(/#99999 was not found/);
    expect(calls.send).toHaveLength(0);
    expect(box.value).toBe('Where does this go?');
  });

  it('shows who is signed in and opens the settings', async () => {
    const { opened } = popup([]);
    expect(await screen.findByText('Signed in as Omar')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(opened()).toBe(1);
  });

  it('sortDetected keeps one button per ticket', () => {
    expect(
      sortDetected([
        { id: 1, primary: false, label: 'a' },
        { id: 1, primary: true, label: 'b' },
        { id: 2, primary: false, label: 'c' },
      ]).map((d) => d.label),
    ).toEqual(['b', 'c']);
  });

  it('first run (never signed in, nothing to answer): one action, "Sign in", opening onboarding', async () => {
    const fake = fakeActions({ authStatus: async () => ({ ok: true, data: { signedIn: false, user: null, needsSignIn: false } }) });
    let onboarding = 0;
    render(
      <PopupApp
        actions={{
          ...fake.actions,
          detectedTickets: async () => [],
          openOptions: () => undefined,
          openOnboarding: () => void onboarding++,
          agencyName: async () => '',
        }}
      />,
    );
    const signIn = await screen.findByRole('button', { name: 'Sign in' });
    expect(screen.getAllByRole('button')).toEqual([signIn]);
    expect(signIn.classList.contains('primary')).toBe(true);
    expect(screen.getByText('Signed out')).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull();
    fireEvent.click(signIn);
    expect(onboarding).toBe(1);
  });

  it('a 401 on the ticket: the header says "Signed out", one alert and one "Sign in"', async () => {
    const fake = fakeActions({ getTicket: async () => ({ ok: false, error: { kind: 'unauthorized', status: 401, message: '' } }) });
    let opened = 0;
    render(
      <PopupApp
        actions={{ ...fake.actions, detectedTickets: async () => [], openOptions: () => void opened++, agencyName: async () => '' }}
        initialTicketId={7}
      />,
    );
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(1));
    expect(screen.getByRole('alert').textContent).toBe('You are signed out. Sign in to send; your text stays here.');
    await waitFor(() => expect(screen.getByText('Signed out')).toBeTruthy());
    expect(screen.queryByText(/Signed in as/)).toBeNull();
    const signIn = screen.getAllByRole('button', { name: 'Sign in' });
    expect(signIn).toHaveLength(1);
    fireEvent.click(signIn[0]!);
    expect(opened).toBe(1);
  });
});
