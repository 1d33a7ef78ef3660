import { describe, expect, it } from 'vitest';
import type { Page } from './driver';
import type { Rig } from './fixtures';
import { signedInRig, control, openPopupFor, recordedPosts, storedMessages, waitForStatus, type RecordedRequest } from './steps';
import { clickReplyButton, panelFrame } from './panel';

/**
 * What an agent meets around a reply in real Chromium: reopening a resolved ticket, a closed ticket, attachments,
 * templates, validation and drafts shared between the popup and the inline panel. One rig, distinct tickets per test.
 */

// A 1×1 PNG, generated here rather than read from disk.
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

type Logged = RecordedRequest & { seq: number };

async function requests(rig: Rig): Promise<Logged[]> {
  return (await control<{ requests: Logged[] }>(rig, 'GET', '/requests')).requests;
}

async function ticketStatus(rig: Rig, id: number): Promise<string> {
  const response = await fetch(`${rig.sandbox.url}/dashboard/data/tickets/${id}`);
  const json = (await response.json()) as { status?: string; ticket?: { status: string }; data?: { status: string } };
  return json.status ?? json.ticket?.status ?? json.data?.status ?? '';
}

const statusText = async (page: Page) => (await page.getByRole('status').first().textContent()) ?? '';

describe('the reply experience', () => {
  const rig = signedInRig();

  it('a resolved ticket: one primary "Reply and reopen" says what happens, then sends exactly once and reopens it', async () => {
    expect(await ticketStatus(rig, 2)).toBe('resolved');
    const popup = await openPopupFor(rig, 2);
    await popup.getByRole('textbox', { name: 'Message' }).fill('Merci, nous regardons à nouveau.');
    await popup.getByText('This reopens the ticket: it is marked resolved.').waitFor();
    expect(await popup.getByRole('button', { name: /^Send reply/ }).count()).toBe(0);
    expect(await recordedPosts(rig, 2)).toHaveLength(0);

    await popup.getByRole('button', { name: 'Reply and reopen' }).click();
    await waitForStatus(popup, /sent/i);
    const posts = await recordedPosts(rig, 2);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.status).toBe(201);
    expect((await storedMessages(rig, 2)).filter((m) => m.message === 'Merci, nous regardons à nouveau.')).toHaveLength(1);
    expect(await ticketStatus(rig, 2)).toBe('open');
    await popup.close();
  });

  it('a closed ticket says so before any request and carries the text into a new ticket', async () => {
    const popup = await openPopupFor(rig, 3);
    await popup.getByText('This ticket is closed and cannot take a message.', { exact: false }).first().waitFor();
    expect(await recordedPosts(rig, 3)).toHaveLength(0);

    const text = 'Le remboursement a été traité, voici le suivi.';
    await popup.getByRole('textbox', { name: 'Message' }).fill(text);
    expect(await popup.getByRole('button', { name: /^Send reply/ }).count()).toBe(0);
    const create = popup.getByRole('form', { name: 'New ticket' });
    await create.waitFor();
    expect(await recordedPosts(rig, 3)).toHaveLength(0);

    await create.getByRole('button', { name: 'Create follow-up ticket' }).click();
    await popup.getByText(/Created ticket #\d+/).waitFor({ timeout: 15_000 });
    const created = (await requests(rig)).filter((r) => r.method === 'POST' && r.path === '/api/v1/client/tickets');
    expect(created).toHaveLength(1);
    expect(created[0]!.status).toBe(201);
    const body = JSON.parse(created[0]!.body) as { message: string; subject: string; category: string };
    expect(body.message).toBe(text);
    expect(body.subject).toContain('TK-2026-00003');
    const newId = Number(/Created ticket #(\d+)/.exec((await popup.getByText(/Created ticket #\d+/).textContent()) ?? '')![1]);
    expect(newId).toBeGreaterThanOrEqual(13);
    expect((await storedMessages(rig, newId)).map((m) => m.message)).toContain(text);
    expect(await recordedPosts(rig, 3)).toHaveLength(0);
    await popup.close();
  });

  it('uploads an attachment first and sends its URL; refuses a disallowed type before any upload', async () => {
    const popup = await openPopupFor(rig, 6);
    const attach = popup.getByRole('button', { name: 'Attach files' });
    const input = attach.locator('xpath=following-sibling::input[@type="file"]');
    expect(await input.count()).toBe(1);

    await input.setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ fake') });
    await popup.getByText('setup.exe: only JPEG, PNG, WebP, GIF and PDF files can be attached.').waitFor();
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await popup.getByText('notes.txt: only JPEG, PNG, WebP, GIF and PDF files can be attached.').waitFor();
    await popup.waitForTimeout(300);
    expect((await requests(rig)).filter((r) => r.path.startsWith('/api/v1/client/media'))).toHaveLength(0);

    await input.setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PNG_1X1 });
    await popup.getByRole('list', { name: 'Attachments' }).getByText('Ready').waitFor({ timeout: 10_000 });
    const uploads = (await requests(rig)).filter((r) => r.method === 'POST' && r.path === '/api/v1/client/media');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.status).toBe(201);

    await popup.getByRole('textbox', { name: 'Message' }).fill('Here is the photo.');
    await popup.getByRole('button', { name: 'Send reply' }).click();
    await waitForStatus(popup, /sent/i);
    const posts = (await requests(rig)).filter((r) => r.method === 'POST' && r.path === '/api/v1/client/tickets/6/messages');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.seq).toBeGreaterThan(uploads[0]!.seq);
    const sent = JSON.parse(posts[0]!.body) as { message: string; attachments: string[] };
    expect(sent.message).toBe('Here is the photo.');
    expect(sent.attachments).toHaveLength(1);
    const url = sent.attachments[0]!;
    expect(url).toMatch(new RegExp(`^${rig.sandbox.url.replace(/[.]/g, '\\.')}/media/files/.+/pixel\\.png$`));
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toMatch(/^image\/png/);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    await popup.close();
  });

  it('inserts a template picked by keyboard with the ticket id and no braces left', async () => {
    const options = await rig.openPage('options.html');
    await options.getByRole('button', { name: 'Add template' }).click();
    const fieldset = options.getByRole('group', { name: 'Template 1' });
    await fieldset.getByRole('textbox', { name: 'Template name' }).fill('Follow-up');
    await fieldset
      .getByRole('textbox', { name: 'Template text' })
      .fill('Hello {{customer.name | there}}, about ticket #{{ticket.id}}: {{cursor}} Regards.');
    // Saved as made: the text box losing focus stores the template, then the section says "Saved".
    await fieldset.getByRole('textbox', { name: 'Template text' }).blur();
    await options.locator('#templates').getByText('Saved', { exact: true }).waitFor();
    await options.close();

    const popup = await openPopupFor(rig, 12);
    const box = popup.getByRole('textbox', { name: 'Message' });
    await box.click();
    await popup.keyboard.type('/fol');
    const listbox = popup.getByRole('listbox', { name: 'Templates' });
    await listbox.waitFor();
    await expect.poll(() => listbox.getByRole('option', { name: /Follow-up/ }).getAttribute('aria-selected')).toBe('true');
    await popup.keyboard.press('Enter');
    await expect.poll(() => listbox.count()).toBe(0);
    const value = await box.inputValue();
    expect(value).toMatch(/^Hello .+, about ticket #12: +Regards\.$/);
    expect(value).not.toMatch(/[{}]/);
    expect(value).not.toContain('/fol');
    // {{cursor}} put the caret between the colon and "Regards".
    const caret = await box.evaluate((el: HTMLTextAreaElement) => el.selectionStart);
    expect(value.slice(caret)).toMatch(/^ ?Regards\.$/);
    await popup.close();
  });

  it('refuses an empty, blank or oversized message with a clear message and sends nothing', async () => {
    const popup = await openPopupFor(rig, 5);
    const box = popup.getByRole('textbox', { name: 'Message' });
    await popup.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => statusText(popup)).toBe('Write a message first: it is empty.');
    await box.fill('   \n\t  ');
    await popup.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => statusText(popup)).toBe('Write a message first: it is empty.');
    expect(await box.getAttribute('aria-invalid')).toBe('true');

    await box.fill('x'.repeat(5001));
    await popup.getByText('The message is 1 characters too long (limit 5000).').first().waitFor();
    await popup.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => statusText(popup)).toBe('The message is 1 characters too long (limit 5000).');
    await popup.waitForTimeout(500);
    expect(await recordedPosts(rig, 5)).toHaveLength(0);
    expect((await requests(rig)).filter((r) => r.method === 'POST')).toHaveLength(0);
    await popup.close();
  });

  it('a draft typed in the popup shows in the inline panel for the same ticket', async () => {
    const popup = await openPopupFor(rig, 10);
    const draft = `Draft shared between views ${Date.now()}`;
    await popup.getByRole('textbox', { name: 'Message' }).fill(draft);
    await popup.waitForTimeout(800); // the draft is saved 300 ms after the last keystroke

    const page = await rig.context.newPage();
    await page.goto(`${rig.sandbox.url}/dashboard/tickets/10`);
    await clickReplyButton(page, 'Reply to ticket #10');
    const dialog = (await panelFrame(page)).getByRole('dialog', { name: /ticket #10/ });
    await expect.poll(() => dialog.getByRole('textbox', { name: 'Message' }).inputValue(), { timeout: 10_000 }).toBe(draft);
    expect(await recordedPosts(rig, 10)).toHaveLength(0);
    await page.close();
    await popup.close();
  });

  it('an undo window holds a reply as queued: Undo send keeps it from the server, and one not undone goes out once after it', async () => {
    const options = await rig.openPage('options.html');
    const undo = options.getByRole('combobox', { name: 'Undo window' });
    await undo.selectOption({ label: '5 seconds' });
    await options.getByText('Undo window saved.').waitFor();

    const popup = await openPopupFor(rig, 8);
    const box = popup.getByRole('textbox', { name: 'Message' });
    await box.fill('Wrong ticket, take it back');
    await box.press('Control+Enter');
    await waitForStatus(popup, /^Queued: it goes out in [45] seconds unless you undo it\.$/);
    await popup.getByRole('button', { name: 'Undo send' }).click();
    await waitForStatus(popup, 'Not sent: you took it back. Your text is still in the box.');
    expect(await box.inputValue()).toBe('Wrong ticket, take it back');
    await popup.waitForTimeout(6_000);
    expect(await recordedPosts(rig, 8)).toHaveLength(0);

    await box.fill('Nous avons bien reçu vos photos.');
    const sentAt = Date.now();
    await box.press('Control+Enter');
    await waitForStatus(popup, /^Queued: it goes out in/);
    // Closing the popup inside the window changes nothing: the reply is in the outbox.
    await popup.close();
    await expect
      .poll(async () => (await storedMessages(rig, 8)).map((m) => m.message), { timeout: 15_000 })
      .toContain('Nous avons bien reçu vos photos.');
    const posts = await recordedPosts(rig, 8);
    expect(posts).toHaveLength(1);
    expect(Date.parse(posts[0]!.time) - sentAt).toBeGreaterThanOrEqual(4_500);

    await undo.selectOption({ label: 'Off: send at once' });
    await options.getByText('Undo window saved.').waitFor();
    await options.close();
  });
});
