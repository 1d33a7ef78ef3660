/**
 * What the reply form's status area says, decided in one place so that each state yields exactly one sentence and
 * at most one set of actions (a failure never shows its text in two boxes).
 */
import type { Translate } from '@/utils/shared/i18n';
import type { OutboxEntryView } from '@/utils/shared/messages';
import type { ActionError } from '@/utils/ui/connect';
import { errorText, formatTime } from '../error-text';

export type Notice =
  | { kind: 'problem'; text: string }
  | { kind: 'info'; text: string }
  | { kind: 'send-error'; error: ActionError }
  | { kind: 'sending' }
  | { kind: 'entry' }
  | null;

/** The actions offered under the message: each answers the message shown, never another state's. */
export type StatusAction = 'undo' | 'retry-cancel' | 'retry-discard' | 'discard' | 'sign-in' | null;

export interface StatusView {
  kind: string;
  text: string;
  alert: boolean;
  action: StatusAction;
}

export interface StatusInput {
  t: Translate;
  lang: string;
  ticketId: number;
  notice: Notice;
  entry: OutboxEntryView | null;
  /** Why the ticket could not be read, if it could not. */
  ticketError: ActionError | null;
  /** The ticket is closed (known from the ticket or from a refused send), and no follow-up exists yet. */
  closed: boolean;
  /** The session is gone: the background says so, or a request came back 401. */
  signedOut: boolean;
  /** Seconds left in the undo window as first shown (a live region must not tick). */
  undoSeconds(e: OutboxEntryView): number;
}

/** Still inside its undo window: discarding it now means it was never sent. */
export const undoable = (e: OutboxEntryView) => e.state === 'queued' && e.undoUntil !== null && e.undoUntil > Date.now();

const IDLE: StatusView = { kind: 'idle', text: '', alert: false, action: null };

function entryView(s: StatusInput, e: OutboxEntryView): StatusView {
  const { t, lang } = s;
  const reason = e.error ? errorText(t, e.error, s.ticketId) : '';
  switch (e.state) {
    case 'sending':
      return { kind: 'sending', text: t('status_sending'), alert: false, action: null };
    case 'queued':
      if (undoable(e)) return { kind: 'queued', text: t('status_undo', [s.undoSeconds(e)]), alert: false, action: 'undo' };
      if (e.attempts === 0 && !e.error) return { kind: 'sending', text: t('status_sending'), alert: false, action: null };
      // Offline, rate-limited or a server error: it goes by itself later, or now on request, or not at all.
      return {
        kind: 'queued',
        text: reason
          ? t('status_queued', [formatTime(lang, e.nextAttemptAt), reason])
          : t('status_queued_plain', [formatTime(lang, e.nextAttemptAt)]),
        alert: true,
        action: 'retry-cancel',
      };
    case 'sent':
      return {
        kind: 'sent',
        text: e.sent
          ? t('status_sent', [e.ticketId, e.sent.messageId, e.sent.senderName, formatTime(lang, e.sent.createdAt)])
          : t('status_sent_short', [e.ticketId]),
        alert: false,
        action: null,
      };
    case 'failed':
      return { kind: 'failed', text: t('status_failed', [reason || t('err_no_detail')]), alert: true, action: 'retry-discard' };
    case 'paused':
      return { kind: 'paused', text: t('status_paused'), alert: true, action: 'sign-in' };
    case 'needs_attention':
      return {
        kind: 'needs_attention',
        text: t('status_needs_attention', [reason || t('err_no_detail')]),
        alert: true,
        action: 'retry-discard',
      };
  }
}

export function statusView(s: StatusInput): StatusView {
  const { t, notice } = s;
  if (notice?.kind === 'problem') return { kind: 'problem', text: notice.text, alert: true, action: null };
  if (notice?.kind === 'info') return { kind: 'info', text: notice.text, alert: false, action: null };
  if (notice?.kind === 'sending') return { kind: 'sending', text: t('status_sending'), alert: false, action: null };
  if (notice?.kind === 'send-error') {
    const signIn = notice.error.kind === 'unauthorized';
    return {
      kind: 'send-error',
      text: t('status_not_queued', [errorText(t, notice.error, s.ticketId)]),
      alert: true,
      action: signIn ? 'sign-in' : null,
    };
  }
  if (notice?.kind === 'entry' && s.entry) return entryView(s, s.entry);
  // Nothing happened to a reply yet: what stands in the way of one, if anything.
  if (s.signedOut) return { kind: 'problem', text: t('signed_out_keep_text'), alert: true, action: 'sign-in' };
  if (s.closed) return { kind: 'problem', text: t('closed_cannot_reply'), alert: true, action: null };
  if (s.ticketError) return { kind: 'problem', text: errorText(t, s.ticketError, s.ticketId), alert: true, action: null };
  return IDLE;
}
