/** Finding, among a ticket's messages, the copy of a reply whose earlier POST may have landed. */
import type { TicketMessage } from '@/utils/shared/daakey-types';
import type { OutboxRecord } from './outbox-types';
import { SIGNATURE_MAX_SKEW_SECONDS } from './signature';

/**
 * The server's clock may differ from ours by as much as the signature window allows; a reply created
 * "before" we queued it by less than that may still be ours.
 */
export const DEDUPE_SKEW_MS = SIGNATURE_MAX_SKEW_SECONDS * 1000;

/** Laravel-style servers trim input and may normalise line breaks, so compare what survives that. */
const normalizeText = (s: string) => s.replace(/\r\n?/g, '\n').trim();

/**
 * The server-side copy of an entry whose earlier POST may have landed: same text and attachments, sent by
 * the agency side, not older than the entry (minus clock skew), and not already matched to another entry
 * (two identical "Thanks!" replies must not both claim one message).
 */
export function findDelivered(
  messages: readonly TicketMessage[],
  record: OutboxRecord,
  claimed: ReadonlySet<number>,
): TicketMessage | null {
  const text = normalizeText(record.message);
  const since = record.createdAt - DEDUPE_SKEW_MS;
  for (const m of messages) {
    if (claimed.has(m.id) || m.sender !== 'client') continue;
    if (normalizeText(m.message) !== text) continue;
    if (m.attachments.length !== record.attachments.length || m.attachments.some((a, i) => a !== record.attachments[i])) continue;
    const created = Date.parse(m.created_at);
    // An unreadable date can't prove the message is ours; posting again beats losing the reply.
    if (Number.isNaN(created) || created < since) continue;
    return m;
  }
  return null;
}
