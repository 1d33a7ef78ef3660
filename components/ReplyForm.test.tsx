// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReplyActions } from '@/utils/ui/connect';
import { entry, fakeActions, fakeTicket } from '@/tests/support/fake-actions';
import { isSendShortcut, ReplyForm } from './ReplyForm';

afterEach(cleanup);

async function setup(overrides: Partial<ReplyActions> = {}, ticket = fakeTicket()) {
  const fake = fakeActions(overrides, ticket);
  render(<ReplyForm actions={fake.actions} ticketId={ticket.id} draftDelayMs={20} pollMs={10} />);
  await screen.findByText(ticket.subject);
  const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
  return { ...fake, box };
}

function type(box: HTMLTextAreaElement, text: string) {
  box.value = text;
  box.setSelectionRange(text.length, text.length);
  fireEvent.input(box);
}

const status = () => screen.getByRole('status');
const alerts = () => screen.queryAllByRole('alert');
const primaries = () => Array.from(document.querySelectorAll<HTMLButtonElement>('button.primary'));

describe('ReplyForm', () => {
  it('shows the ticket header, badge and thread', async () => {
    await setup();
    expect(screen.getByText('#7')).toBeTruthy();
    expect(screen.getByText('TK-2024-00007')).toBeTruthy();
    expect(screen.getByText('Open')).toBeTruthy();
    expect(screen.getByText('The AC is broken')).toBeTruthy();
    expect(screen.getByText('Air conditioning').getAttribute('dir')).toBe('auto');
  });

  it("leaves an empty box in the page's direction and lets typed text pick its own", async () => {
    const { box } = await setup();
    expect(box.getAttribute('dir') ?? '').toBe('');
    fireEvent.input(box, { target: { value: 'مرحباً' } });
    await waitFor(() => expect(box.getAttribute('dir')).toBe('auto'));
    fireEvent.input(box, { target: { value: '' } });
    await waitFor(() => expect(box.getAttribute('dir') ?? '').toBe(''));
  });

  it('sends once with Ctrl+Enter and shows the sent state with the message id', async () => {
    let sentId: string | null = null;
    const { box, calls } = await setup({
      send: async (clientId, ticketId, message) => {
        sentId = clientId;
        return { ok: true, data: entry({ id: clientId, ticketId, message }) };
      },
      listOutbox: async () => ({
        ok: true,
        data: sentId
          ? [
              entry({
                id: sentId,
                message: 'Hello there',
                state: 'sent',
                sent: { messageId: 4242, senderName: 'Omar', createdAt: new Date().toISOString() },
              }),
            ]
          : [],
      }),
    });
    type(box, 'Hello there');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(calls.send).toHaveLength(1));
    expect(calls.send[0]!.slice(1)).toEqual([7, 'Hello there', []]);
    await waitFor(() => expect(status().textContent).toMatch(/Sent to #7: message #4242 by Omar/));
  });

  it('sends once with Cmd+Enter', async () => {
    const { box, calls } = await setup();
    type(box, 'Hello');
    fireEvent.keyDown(box, { key: 'Enter', metaKey: true });
    await waitFor(() => expect(calls.send).toHaveLength(1));
  });

  it('does not send with AltGr, Alt, Shift, plain Enter or while composing', async () => {
    const { box, calls } = await setup();
    type(box, 'Hello');
    const altGr = new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true });
    Object.defineProperty(altGr, 'getModifierState', { value: (k: string) => k === 'AltGraph' });
    box.dispatchEvent(altGr);
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true, altKey: true });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true, shiftKey: true });
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true, isComposing: true });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.send).toHaveLength(0);
  });

  it('isSendShortcut ignores composition by keyCode 229', () => {
    const e = new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, keyCode: 229 } as KeyboardEventInit);
    expect(isSendShortcut(e)).toBe(false);
  });

  it('sends once when pressed twice quickly', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { box, calls } = await setup({
      send: async (clientId, ticketId, message) => {
        await gate;
        return { ok: true, data: entry({ id: clientId, ticketId, message }) };
      },
    });
    type(box, 'Hello');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await waitFor(() => expect(calls.send).toHaveLength(1));
    release();
    await waitFor(() => expect(status().textContent).toMatch(/Sending/));
    expect(calls.send).toHaveLength(1);
  });

  it.each(['', '   \n  '])('refuses an empty message %j without sending', async (text) => {
    const { box, calls } = await setup();
    type(box, text);
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await waitFor(() => expect(status().textContent).toMatch(/empty/));
    expect(calls.send).toHaveLength(0);
    expect(box.getAttribute('aria-invalid')).toBe('true');
  });

  it('refuses a too-long message and counts characters', async () => {
    const { box, calls } = await setup();
    type(box, 'x'.repeat(5001));
    expect(screen.getByText('5001 / 5000 characters')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await waitFor(() => expect(status().textContent).toMatch(/1 characters too long/));
    expect(calls.send).toHaveLength(0);
  });

  it('a resolved ticket has one primary button, "Reply and reopen", that says what happens and sends at once', async () => {
    const { box, calls } = await setup({}, fakeTicket({ status: 'resolved' }));
    expect(screen.queryByRole('button', { name: /^Send reply/ })).toBeNull();
    const reopen = screen.getByRole('button', { name: 'Reply and reopen' });
    expect(primaries()).toEqual([reopen]);
    expect(screen.getByText('This reopens the ticket: it is marked resolved.').id).toBe(reopen.getAttribute('aria-describedby'));
    type(box, 'One more thing');
    fireEvent.click(reopen);
    await waitFor(() => expect(calls.send).toHaveLength(1));
    expect(calls.send[0]!.slice(1, 3)).toEqual([7, 'One more thing']);
  });

  it('a closed ticket says so once, has one primary "Create follow-up ticket" under the box, and carries the text', async () => {
    const { box, calls } = await setup({}, fakeTicket({ status: 'closed' }));
    expect(alerts().map((a) => a.textContent)).toEqual([
      'This ticket is closed and cannot take a message. Send your text as a follow-up ticket below.',
    ]);
    expect(screen.getAllByText(/cannot take a message/)).toHaveLength(1);
    expect(screen.queryByRole('button', { name: /^Send reply/ })).toBeNull();
    const follow = screen.getByRole('button', { name: 'Create follow-up ticket' });
    expect(primaries()).toEqual([follow]);
    // Below the message box in document order.
    expect(box.compareDocumentPosition(follow) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    type(box, 'Still broken');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.send).toHaveLength(0);
    expect(alerts()).toHaveLength(1);
    const subject = screen.getByRole('textbox', { name: 'Subject' }) as HTMLInputElement;
    expect(subject.value).toContain('TK-2024-00007');
    expect((screen.getByRole('textbox', { name: 'Category' }) as HTMLInputElement).value).toBe('vehicle');
    fireEvent.click(follow);
    await waitFor(() => expect(calls.createTicket).toHaveLength(1));
    expect(calls.createTicket[0]![0]).toMatchObject({ message: 'Still broken', category: 'vehicle' });
    expect(await screen.findByText(/Created ticket #99/)).toBeTruthy();
    expect(alerts()).toHaveLength(0);
  });

  it.each([
    [{ kind: 'network', message: 'offline' } as const, /No connection/],
    [{ kind: 'unauthorized', status: 401, message: 'expired' } as const, /sign in again/],
    [{ kind: 'forbidden', status: 403, message: 'Signature is stale' } as const, /agency signature \(Signature is stale\)/],
    [{ kind: 'internal', message: 'worker gone' } as const, /worker gone/],
  ])('keeps the text when sending fails (%o)', async (error, text) => {
    const { box } = await setup({ send: async () => ({ ok: false, error }) });
    type(box, 'Keep me');
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await waitFor(() => expect(status().textContent).toMatch(text));
    expect(box.value).toBe('Keep me');
  });

  it('shows a failed entry with its text, field errors and Retry now', async () => {
    const failed = entry({
      state: 'failed',
      message: 'Lost words',
      error: { kind: 'validation', status: 422, message: 'bad', fields: { message: ['The message is required.'] } },
    });
    const { calls } = await setup({ listOutbox: async () => ({ ok: true, data: [failed] }) });
    await waitFor(() => expect(status().textContent).toMatch(/Failed/));
    expect(screen.getByText('Lost words')).toBeTruthy();
    expect(screen.getByText(/Your text is kept/)).toBeTruthy();
    expect(screen.getByText(/Message: The message is required/)).toBeTruthy();
    expect(alerts()).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    await waitFor(() => expect(calls.retry).toEqual([['e1']]));
  });

  it('shows a queued entry with its next attempt', async () => {
    const queued = entry({
      attempts: 2,
      nextAttemptAt: Date.now() + 60_000,
      error: { kind: 'server', status: 503, message: '', retryAfterMs: null },
    });
    await setup({ listOutbox: async () => ({ ok: true, data: [queued] }) });
    await waitFor(() =>
      expect(status().textContent).toMatch(/^Waiting to send: The Daakey server had a problem \(HTTP 503\)\. Next try at /),
    );
    expect(status().textContent).not.toMatch(/\.\)\.|\.\./);
    expect(status().textContent).not.toMatch(/\bsent\b/i);
  });

  it('shows a paused entry and the sign-in hint', async () => {
    await setup({
      listOutbox: async () => ({ ok: true, data: [entry({ state: 'paused', error: { kind: 'unauthorized', status: 401, message: '' } })] }),
    });
    await waitFor(() => expect(status().textContent).toMatch(/Paused: sign in again/));
  });

  it('loads the draft and saves changes after a pause', async () => {
    const { box, calls } = await setup({
      getDraft: async () => ({ ok: true, data: { ticketId: 7, message: 'Draft text', attachments: [], updatedAt: 1 } }),
    });
    await waitFor(() => expect(box.value).toBe('Draft text'));
    type(box, 'Draft text!');
    type(box, 'Draft text!!');
    await waitFor(() => expect(calls.saveDraft).toEqual([[7, 'Draft text!!', []]]));
  });

  it('restores a draft that is waiting in the outbox without sending it twice', async () => {
    const waiting = entry({
      message: 'Queued text',
      attempts: 1,
      nextAttemptAt: Date.now() + 60_000,
      error: { kind: 'network', message: '' },
    });
    const { box, calls } = await setup({
      getDraft: async () => ({ ok: true, data: { ticketId: 7, message: 'Queued text', attachments: [], updatedAt: 1 } }),
      listOutbox: async () => ({ ok: true, data: [waiting] }),
    });
    await waitFor(() => expect(status().textContent).toMatch(/Waiting to send/));
    await waitFor(() => expect(box.value).toBe('Queued text'));
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.send).toHaveLength(0);
  });

  it('keeps the text while queued and empties the box once sent', async () => {
    let state: 'queued' | 'sent' = 'queued';
    let sentId: string | null = null;
    const { box, calls } = await setup({
      send: async (clientId, ticketId, message) => {
        sentId = clientId;
        return { ok: true, data: entry({ id: clientId, ticketId, message }) };
      },
      listOutbox: async () => ({
        ok: true,
        data: sentId
          ? [
              entry({
                id: sentId,
                message: 'Hi',
                state,
                sent: state === 'sent' ? { messageId: 5, senderName: 'Omar', createdAt: '2026-01-01T10:00:00Z' } : null,
              }),
            ]
          : [],
      }),
    });
    type(box, 'Hi');
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await waitFor(() => expect(calls.send).toHaveLength(1));
    expect(box.value).toBe('Hi');
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.send).toHaveLength(1);
    state = 'sent';
    await waitFor(() => expect(status().textContent).toMatch(/Sent to #7: message #5/));
    expect(box.value).toBe('');
    expect(calls.saveDraft.at(-1)).toEqual([7, 'Hi', []]);
  });

  it('offers Undo send inside the undo window; undoing keeps the text and sends nothing', async () => {
    let held: ReturnType<typeof entry> | null = null;
    const { box, calls } = await setup({
      send: async (clientId, ticketId, message) => {
        held = entry({ id: clientId, ticketId, message, undoUntil: Date.now() + 10_000, nextAttemptAt: Date.now() + 10_000 });
        return { ok: true, data: held };
      },
      listOutbox: async () => ({ ok: true, data: held ? [held] : [] }),
      discard: async () => {
        held = null;
        return { ok: true, data: { discarded: true } };
      },
    });
    type(box, 'Wrong customer');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(status().textContent).toMatch(/Queued: it goes out in (9|10) seconds unless you undo it/));
    expect(status().textContent).not.toMatch(/sent/i);
    fireEvent.click(screen.getByRole('button', { name: 'Undo send' }));
    await waitFor(() => expect(status().textContent).toMatch(/Not sent: you took it back/));
    expect(calls.discard).toHaveLength(1);
    expect(box.value).toBe('Wrong customer');
    expect(screen.queryByRole('button', { name: 'Undo send' })).toBeNull();
  });

  it('says at once when another window took the queued reply back, instead of going on saying it is queued', async () => {
    let held: ReturnType<typeof entry> | null = null;
    const { box } = await setup({
      send: async (clientId, ticketId, message) => {
        held = entry({ id: clientId, ticketId, message, undoUntil: Date.now() + 20_000, nextAttemptAt: Date.now() + 20_000 });
        return { ok: true, data: held };
      },
      listOutbox: async () => ({ ok: true, data: held ? [held] : [] }),
    });
    type(box, 'Held for 20 s');
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(status().textContent).toMatch(/Queued: it goes out in/));
    // The popup (or another panel) pressed Undo send: the entry is gone from the outbox.
    held = null;
    await waitFor(() => expect(status().textContent).toMatch(/taken back or discarded in another window/), { timeout: 1_000 });
    expect(screen.queryByRole('button', { name: 'Undo send' })).toBeNull();
    expect(box.value).toBe('Held for 20 s');
  });

  it('says when it is too late to undo, and replaces a held reply when the text is edited and sent again', async () => {
    const held = entry({ id: 'h1', message: 'First', undoUntil: Date.now() + 10_000 });
    const { box, calls } = await setup({
      listOutbox: async () => ({ ok: true, data: [held] }),
      getDraft: async () => ({ ok: true, data: { ticketId: 7, message: 'First', attachments: [], updatedAt: 1 } }),
      discard: async () => ({ ok: true, data: { discarded: false } }),
    });
    await waitFor(() => expect(box.value).toBe('First'));
    fireEvent.click(await screen.findByRole('button', { name: 'Undo send' }));
    await waitFor(() => expect(status().textContent).toMatch(/Too late to undo/));
    type(box, 'First, corrected');
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await waitFor(() => expect(calls.send).toHaveLength(1));
    expect(calls.discard).toEqual([['h1'], ['h1']]);
  });

  it('Send pressed before the outbox answered: the reply it found is replaced, never shown over the new one', async () => {
    // A busy worker answers the outbox read after the ticket: the agent has already typed and pressed Send.
    const failed = entry({
      id: 'old',
      state: 'failed',
      message: 'Older text',
      error: { kind: 'forbidden', status: 403, message: 'bad signature' },
    });
    let answer: (r: { ok: true; data: (typeof failed)[] }) => void = () => undefined;
    const firstRead = new Promise<{ ok: true; data: (typeof failed)[] }>((resolve) => {
      answer = resolve;
    });
    let reads = 0;
    const { box, calls } = await setup({
      listOutbox: async () =>
        ++reads === 1 ? firstRead : { ok: true, data: calls.send.length > 0 ? [entry({ id: 'new', message: 'Newer text' })] : [] },
      send: async (clientId, ticketId, message) => ({ ok: true, data: entry({ id: 'new', ticketId, message }) }),
    });
    type(box, 'Newer text');
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.send).toHaveLength(0);
    answer({ ok: true, data: [failed] });
    await waitFor(() => expect(calls.send).toHaveLength(1));
    expect(calls.discard).toEqual([['old']]);
    await waitFor(() => expect(status().textContent).toMatch(/queued|sending/i));
    await new Promise((r) => setTimeout(r, 50));
    expect(status().textContent).not.toMatch(/signature/i);
    expect(calls.send).toHaveLength(1);
  });

  it('autoFocus: the message box has focus in the render that shows it, so no early key is lost', async () => {
    let answer: (r: { ok: true; data: ReturnType<typeof fakeTicket> }) => void = () => undefined;
    const fake = fakeActions({ getTicket: () => new Promise((resolve) => (answer = resolve)) });
    const focusAtInsert: (Element | null)[] = [];
    // Read at the moment the box enters the document, before any timer or later task could move focus.
    const watch = new MutationObserver(() => {
      const box = document.querySelector('textarea');
      if (box && focusAtInsert.length === 0) queueMicrotask(() => focusAtInsert.push(document.activeElement));
    });
    watch.observe(document.body, { childList: true, subtree: true });
    render(<ReplyForm actions={fake.actions} ticketId={7} autoFocus />);
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    answer({ ok: true, data: fakeTicket() });
    const box = await screen.findByRole('textbox', { name: 'Message' });
    watch.disconnect();
    expect(focusAtInsert[0]).toBe(box);
    expect(document.activeElement).toBe(box);
  });

  it('without autoFocus the form leaves focus where it is', async () => {
    const { box } = await setup();
    expect(document.activeElement).not.toBe(box);
  });

  it('retries a failed reply when Send is pressed with the same text', async () => {
    const failed = entry({ state: 'failed', message: 'Again', error: { kind: 'forbidden', status: 403, message: 'bad signature' } });
    const { box, calls } = await setup({
      listOutbox: async () => ({ ok: true, data: [failed] }),
      getDraft: async () => ({ ok: true, data: { ticketId: 7, message: 'Again', attachments: [], updatedAt: 1 } }),
    });
    await waitFor(() => expect(box.value).toBe('Again'));
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await waitFor(() => expect(calls.retry).toEqual([['e1']]));
    expect(calls.send).toHaveLength(0);
  });

  it('inserts a template from the / picker with variables and the cursor', async () => {
    const { box } = await setup({
      listTemplates: async () => ({
        ok: true,
        data: [
          { id: 'a', name: 'Thanks', body: 'Thanks {{customer.name}}, {{cursor}}— {{agent.name}}' },
          { id: 'b', name: 'Agency', body: 'From {{agency.name}}' },
        ],
      }),
    });
    await waitFor(() => expect(screen.queryByText('Type / for templates')).toBeTruthy());
    type(box, '/');
    const listbox = await screen.findByRole('listbox');
    expect(listbox.querySelectorAll('[role=option]')).toHaveLength(2);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('Thanks Sara, — Omar');
    expect(box.selectionStart).toBe('Thanks Sara, '.length);
    // {{agency.name}} has no value and no fallback: a fill-in field asks for it before anything is inserted.
    type(box, `${box.value} /ag`);
    fireEvent.keyDown(box, { key: 'Enter' });
    const field = await screen.findByRole('textbox', { name: 'agency.name' });
    // The name sits in its own isolating span (happy-dom's name computation pads an inline span with spaces).
    expect(screen.getByRole('group', { name: /^Fill in “ ?Agency ?”$/ })).toBeTruthy();
    expect(box.value).toBe('Thanks Sara, — Omar /ag');
    expect(document.activeElement).toBe(field);
    expect(primaries().map((b) => b.textContent)).toEqual(['Insert']);
    fireEvent.input(field, { target: { value: 'Daakey Rent' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(box.value).toBe('Thanks Sara, — Omar From Daakey Rent');
    expect(document.activeElement).toBe(box);
    expect(screen.queryByRole('group', { name: /Fill in/ })).toBeNull();
    expect(screen.queryByText(/No value for/)).toBeNull();
  });

  it('a template fill-in form: one field per missing variable, Insert button, Esc cancels, blanks stay visible', async () => {
    const { box, calls } = await setup({
      listTemplates: async () => ({
        ok: true,
        data: [{ id: 'k', name: 'Keys', body: 'Your key box {{box.code}} at {{station}}, {{customer.name}}.' }],
      }),
    });
    await screen.findByText('Type / for templates');
    type(box, '/ke');
    fireEvent.keyDown(box, { key: 'Enter' });
    const code = await screen.findByRole('textbox', { name: 'box.code' });
    expect(screen.getByRole('textbox', { name: 'station' })).toBeTruthy();
    // Esc cancels: nothing inserted, the box keeps its text and gets focus back.
    fireEvent.keyDown(code, { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'box.code' })).toBeNull();
    expect(box.value).toBe('/ke');
    expect(document.activeElement).toBe(box);
    expect(calls.send).toHaveLength(0);
    // Again, this time with the Insert button and one value left blank: the blank one stays and is flagged.
    box.setSelectionRange(3, 3);
    fireEvent.input(box);
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.input(await screen.findByRole('textbox', { name: 'box.code' }), { target: { value: '4711' } });
    fireEvent.click(screen.getByRole('button', { name: 'Insert' }));
    expect(box.value).toBe('Your key box 4711 at {{station}}, Sara.');
    expect(document.activeElement).toBe(box);
    expect(screen.getByText(/No value for \{\{station\}\}/)).toBeTruthy();
    expect(calls.send).toHaveLength(0);
  });

  it('checks files before uploading and uploads the rest', async () => {
    const { calls } = await setup();
    const input = document.querySelector('input[type=file]') as HTMLInputElement;
    const good = new File(['png'], 'photo.png', { type: 'image/png' });
    const bad = new File(['x'], 'tool.exe', { type: 'application/x-msdownload' });
    Object.defineProperty(input, 'files', { value: [good, bad], configurable: true });
    fireEvent.change(input);
    expect(await screen.findByText(/tool.exe: only JPEG/)).toBeTruthy();
    await waitFor(() => expect(screen.getByText('Ready')).toBeTruthy());
    expect(calls.uploadMedia).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Remove photo.png' }));
    expect(screen.queryByText('photo.png')).toBeNull();
  });

  it('shows a reply that went out while the form was closed as sent, once', async () => {
    const sent = entry({
      id: 'gone-out',
      state: 'sent',
      createdAt: Date.now() - 1000,
      sent: { messageId: 77, senderName: 'Omar', createdAt: new Date().toISOString() },
    });
    const seen = new Set<string>();
    const fake = fakeActions({ listOutbox: async () => ({ ok: true, data: [sent] }) });
    render(<ReplyForm actions={fake.actions} ticketId={7} seen={seen} />);
    await waitFor(() => expect(status().textContent).toMatch(/Sent to #7: message #77/));
    await waitFor(() => expect(seen.has('gone-out')).toBe(true));
    cleanup();
    render(<ReplyForm actions={fake.actions} ticketId={7} seen={seen} />);
    await screen.findByText('Air conditioning');
    await new Promise((r) => setTimeout(r, 20));
    expect(status().textContent).toBe('');
  });

  it('names its controls as the interface says', async () => {
    await setup();
    expect(screen.getByRole('button', { name: /^Send reply/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Attach files' })).toBeTruthy();
    expect(screen.getAllByRole('status')).toHaveLength(1);
  });

  it('notices a message written since the ticket opened (on focus), shows it and asks before sending', async () => {
    let ticket = fakeTicket();
    const fake = fakeActions({ getTicket: async () => ({ ok: true, data: ticket }) });
    render(<ReplyForm actions={fake.actions} ticketId={7} draftDelayMs={20} pollMs={10} />);
    await screen.findByText('Air conditioning');
    const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    type(box, 'My answer');
    ticket = fakeTicket({
      messages: [
        ...ticket.messages,
        {
          id: 2,
          message: 'Never mind, it works now',
          sender: 'client',
          sender_name: 'Customer',
          attachments: [],
          created_at: '2026-01-01T11:00:00Z',
        },
      ],
    });
    window.dispatchEvent(new Event('focus'));
    expect(await screen.findByRole('heading', { name: 'New since you opened this ticket (1)' })).toBeTruthy();
    expect(screen.getAllByText('Never mind, it works now').length).toBeGreaterThan(0);

    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    expect(await screen.findByText(/Someone wrote on this ticket since you opened it/)).toBeTruthy();
    expect(fake.calls.send).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Send anyway' }));
    await waitFor(() => expect(fake.calls.send).toHaveLength(1));
    expect(screen.queryByRole('heading', { name: /New since you opened/ })).toBeNull();
  });

  it('refreshes the thread every refreshMs while open, and not at all once closed', async () => {
    const fake = fakeActions();
    // The refresh interval on a fake clock (the rest on the real one): on a loaded machine real timers bunch up,
    // and the count then said more about the machine than about the form.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const view = render(<ReplyForm actions={fake.actions} ticketId={7} draftDelayMs={20} pollMs={10} refreshMs={30} />);
      await screen.findByText('Air conditioning');
      const opened = fake.calls.getTicket.length;
      for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(30);
      expect(fake.calls.getTicket.length).toBe(opened + 3);
      view.unmount();
      // Preact runs an unmounted component's effect cleanups after the unmount, not inside it (that gap is what
      // made the real-clock version fail now and then): let them run, then no tick may read the ticket again.
      await new Promise((r) => setTimeout(r, 50));
      const closed = fake.calls.getTicket.length;
      await vi.advanceTimersByTimeAsync(300);
      expect(fake.calls.getTicket.length).toBe(closed);
    } finally {
      vi.useRealTimers();
    }
  });

  it('its own sent reply is not a collision', async () => {
    let sentId: string | null = null;
    let ticket = fakeTicket();
    const fake = fakeActions({
      getTicket: async () => ({ ok: true, data: ticket }),
      send: async (clientId, ticketId, message) => {
        sentId = clientId;
        ticket = fakeTicket({
          messages: [
            ...ticket.messages,
            { id: 50, message, sender: 'client', sender_name: 'Omar', attachments: [], created_at: '2026-01-01T11:00:00Z' },
          ],
        });
        return { ok: true, data: entry({ id: clientId, ticketId, message, state: 'sending' }) };
      },
      listOutbox: async () => ({
        ok: true,
        data: sentId
          ? [
              entry({
                id: sentId,
                message: 'Mine',
                state: 'sent',
                sent: { messageId: 50, senderName: 'Omar', createdAt: '2026-01-01T11:00:00Z' },
              }),
            ]
          : [],
      }),
    });
    render(<ReplyForm actions={fake.actions} ticketId={7} draftDelayMs={20} pollMs={10} />);
    await screen.findByText('Air conditioning');
    type(screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement, 'Mine');
    fireEvent.click(screen.getByRole('button', { name: 'Send reply to #7' }));
    await waitFor(() => expect(status().textContent).toMatch(/Sent to #7: message #50/));
    window.dispatchEvent(new Event('focus'));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole('heading', { name: /New since you opened/ })).toBeNull();
  });
});

describe('ReplyForm: one status region, one message, at most one action per failure', () => {
  const waitingEntry = (error: NonNullable<ReturnType<typeof entry>['error']>) =>
    entry({ message: 'Held back', attempts: 1, nextAttemptAt: Date.now() + 60_000, error });

  async function onlyAlert(text: RegExp | string) {
    await waitFor(() => expect(alerts()).toHaveLength(1));
    const [alert] = alerts();
    if (typeof text === 'string') expect(alert!.textContent).toBe(text);
    else expect(alert!.textContent).toMatch(text);
    // Said once: the sentence appears nowhere else on the form.
    expect(document.body.textContent!.split(alert!.textContent!).length - 1).toBe(1);
    return alert!;
  }

  it('empty: one alert, the counter counts trimmed text', async () => {
    const { box, calls } = await setup();
    type(box, '   \n   ');
    expect(screen.getByText('0 / 5000 characters')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await onlyAlert('Write a message first: it is empty.');
    expect(calls.send).toHaveLength(0);
    type(box, '  hi  ');
    expect(screen.getByText('2 / 5000 characters')).toBeTruthy();
    expect(alerts()).toHaveLength(0);
  });

  it('too long: said once, in the alert, after Send', async () => {
    const { box } = await setup();
    type(box, 'x'.repeat(5001));
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await onlyAlert('The message is 1 characters too long (limit 5000).');
  });

  it('not found: one alert, the header names the ticket without repeating the error', async () => {
    const fake = fakeActions({ getTicket: async () => ({ ok: false, error: { kind: 'not_found', status: 404, message: 'nope' } }) });
    render(<ReplyForm actions={fake.actions} ticketId={404} draftDelayMs={20} pollMs={10} />);
    await onlyAlert(/^Ticket #404 was not found\./);
    fireEvent.click(screen.getByRole('button', { name: /^Send reply/ }));
    await onlyAlert(/^Ticket #404 was not found\./);
    expect(fake.calls.send).toHaveLength(0);
  });

  it('401 on load: one alert and one "Sign in" action, and the host learns it is signed out', async () => {
    let told = 0;
    let opened = 0;
    const fake = fakeActions({ getTicket: async () => ({ ok: false, error: { kind: 'unauthorized', status: 401, message: '' } }) });
    render(
      <ReplyForm
        actions={fake.actions}
        ticketId={7}
        draftDelayMs={20}
        pollMs={10}
        onOpenSettings={() => opened++}
        onSignedOut={() => told++}
      />,
    );
    await onlyAlert('You are signed out. Sign in to send; your text stays here.');
    const signIn = screen.getAllByRole('button', { name: 'Sign in' });
    expect(signIn).toHaveLength(1);
    fireEvent.click(signIn[0]!);
    expect(opened).toBe(1);
    expect(told).toBeGreaterThan(0);
    expect(screen.queryByText(/Sign in again in the settings/)).toBeNull();
  });

  it.each([
    ['offline', { kind: 'network', message: '' } as const, /^Waiting to send: No connection to the Daakey server\. Next try at /],
    [
      '429',
      { kind: 'rate_limited', status: 429, message: '', retryAfterMs: 3000 } as const,
      /^Waiting to send: The Daakey server asked to slow down/,
    ],
    ['503', { kind: 'server', status: 503, message: '', retryAfterMs: null } as const, /^Waiting to send: The Daakey server had a problem/],
  ])('%s: one alert with "Retry now" (primary) and "Cancel"; Send is not the primary', async (_name, error, text) => {
    // Retrying now may meet the same trouble: the entry stays waiting, and Cancel still answers it.
    const { calls } = await setup({
      listOutbox: async () => ({ ok: true, data: [waitingEntry(error)] }),
      retry: async () => ({ ok: true, data: waitingEntry(error) }),
    });
    const alert = await onlyAlert(text);
    expect(alert.textContent).not.toMatch(/API|\.\)\.|\.\./);
    const retryNow = screen.getByRole('button', { name: 'Retry now' });
    expect(primaries()).toEqual([retryNow]);
    expect(screen.getByRole('button', { name: /^Send reply/ }).classList.contains('primary')).toBe(false);
    fireEvent.click(retryNow);
    await waitFor(() => expect(calls.retry).toEqual([['e1']]));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(calls.discard).toEqual([['e1']]));
  });

  it('an open ticket has one primary button, named "Send reply to #N", and a visible Templates button', async () => {
    await setup();
    expect(primaries().map((b) => b.textContent)).toEqual(['Send reply to #7']);
    expect(screen.getByRole('button', { name: 'Templates' })).toBeTruthy();
    expect(screen.queryByText('Type / for templates')).toBeNull();
    expect(alerts()).toHaveLength(0);
  });

  it('the Templates button opens the list at the caret; the "/" hint shows only when templates exist', async () => {
    const { box } = await setup({
      listTemplates: async () => ({ ok: true, data: [{ id: 't1', name: 'Greeting', body: 'Hello {{customer.name}}' }] }),
    });
    await screen.findByText('Type / for templates');
    fireEvent.click(screen.getByRole('button', { name: 'Templates' }));
    const option = await screen.findByRole('option', { name: /Greeting/ });
    fireEvent.mouseDown(option);
    await waitFor(() => expect(box.value).toMatch(/^Hello/));
  });
});
