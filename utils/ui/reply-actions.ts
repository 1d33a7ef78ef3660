/**
 * The reply form's `ReplyActions` on top of the typed messenger: the one implementation shared by
 * the popup and the inline panel.
 */
import type { ReplyActions } from '@/components/actions';
import type { Request } from '@/utils/shared/messenger';

const none = {} as Record<string, never>;

export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function createReplyActions(request: Request): ReplyActions {
  return {
    getTicket: (ticketId) => request('ticket/get', { ticketId }),
    send: (clientId, ticketId, message, attachments) => request('reply/send', { clientId, ticketId, message, attachments }),
    listOutbox: (ticketId) => request('outbox/list', ticketId === undefined ? {} : { ticketId }),
    flush: () => request('outbox/flush', none),
    retry: (id) => request('outbox/retry', { id }),
    discard: (id) => request('outbox/discard', { id }),
    getDraft: (ticketId) => request('draft/get', { ticketId }),
    saveDraft: (ticketId, message, attachments) => request('draft/save', { ticketId, message, attachments }),
    uploadMedia: async (file) => request('media/upload', { name: file.name, type: file.type, dataBase64: await fileToBase64(file) }),
    createTicket: (input) => request('ticket/create', input),
    listTemplates: () => request('templates/list', none),
    authStatus: () => request('auth/status', none),
  };
}
