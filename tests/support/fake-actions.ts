/** A scriptable `ReplyActions` for component tests (Dark Reader's mock connector idea). */
import type { TicketWithMessages } from '@/utils/shared/daakey-types';
import type { Draft, OutboxEntryView } from '@/utils/shared/messages';
import type { ReplyActions, Result } from '@/utils/ui/connect';

export function fakeTicket(patch: Partial<TicketWithMessages> = {}): TicketWithMessages {
  return {
    id: 7,
    reference: 'TK-2024-00007',
    subject: 'Air conditioning',
    status: 'open',
    priority: 'normal',
    category: 'vehicle',
    last_message: null,
    last_message_at: null,
    unread_count: 0,
    created_at: '2026-01-01T10:00:00Z',
    messages: [
      { id: 1, message: 'The AC is broken', sender: 'support', sender_name: 'Sara', attachments: [], created_at: '2026-01-01T10:00:00Z' },
    ],
    ...patch,
  };
}

export function entry(patch: Partial<OutboxEntryView> = {}): OutboxEntryView {
  return {
    id: 'e1',
    ticketId: 7,
    message: 'hi',
    attachments: [],
    state: 'queued',
    attempts: 0,
    createdAt: 1,
    nextAttemptAt: null,
    undoUntil: null,
    sent: null,
    error: null,
    ...patch,
  };
}

export type Calls = { [K in keyof ReplyActions]: unknown[][] };

export function fakeActions(overrides: Partial<ReplyActions> = {}, ticket = fakeTicket()) {
  const calls = {} as Calls;
  const ok = <T>(data: T): Promise<Result<T>> => Promise.resolve({ ok: true, data });
  let draft: Draft | null = null;
  const base: ReplyActions = {
    getTicket: async () => ok(ticket),
    send: async (clientId, ticketId, message, attachments) => ok(entry({ id: clientId, ticketId, message, attachments })),
    listOutbox: async () => ok([]),
    flush: async () => ok([]),
    retry: async (id) => ok(entry({ id })),
    discard: async () => ok({ discarded: true }),
    getDraft: async () => ok(draft),
    saveDraft: async (ticketId, message, attachments) => {
      draft = { ticketId, message, attachments, updatedAt: 1 };
      return ok({ saved: true });
    },
    uploadMedia: async (file) => ok({ url: `https://cdn.test/${file.name}`, name: file.name, mime_type: file.type, size: file.size }),
    createTicket: async (input) => ok({ ...fakeTicket({ id: 99, reference: 'TK-2024-00099', subject: input.subject }) }),
    listTemplates: async () => ok([]),
    authStatus: async () => ok({ signedIn: true, user: { id: 1, name: 'Omar', email: 'omar@agency.test' }, needsSignIn: false }),
  };
  const actions = {} as ReplyActions;
  for (const key of Object.keys(base) as (keyof ReplyActions)[]) {
    calls[key] = [];
    const impl = (overrides[key] ?? base[key]) as (...args: unknown[]) => unknown;
    (actions as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => {
      calls[key].push(args);
      return impl(...args);
    };
  }
  return { actions, calls };
}
