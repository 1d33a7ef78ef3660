import { useLayoutEffect, useRef } from 'preact/hooks';
import type { TicketMessage } from '@/utils/shared/daakey-types';
import { formatTime } from './error-text';
import { useI18n } from './i18n-context';

/**
 * The thread's last few messages, oldest first, as plain text. It sits above the message box and starts scrolled to
 * its end, so the customer's last message is the one right above where the answer is typed.
 * `sender: 'client'` is the agency itself (the API's client), so those are the agent's own replies.
 */
export function ThreadList({
  messages,
  limit = 5,
  headingHidden = false,
}: {
  messages: TicketMessage[];
  limit?: number;
  /** A closed ticket's heading is for screen readers only, so "Create follow-up ticket" stays above the fold. */
  headingHidden?: boolean;
}) {
  const { t, lang } = useI18n();
  const list = useRef<HTMLOListElement>(null);
  const last = messages[messages.length - 1]?.id;
  useLayoutEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [last]);
  if (messages.length === 0) return null;
  const shown = messages.slice(-limit);
  return (
    <section class="thread" aria-labelledby="thread-heading">
      <h3 id="thread-heading" class={headingHidden ? 'visually-hidden' : undefined}>
        {t('thread_heading')}
      </h3>
      <ol ref={list}>
        {shown.map((m) => (
          <li key={m.id} class={m.sender === 'client' ? 'mine' : 'theirs'}>
            <div class="meta">
              <span dir="auto">{m.sender_name}</span> · <time dateTime={m.created_at}>{formatTime(lang, m.created_at)}</time>
            </div>
            <p dir="auto" class="body">
              {m.message}
            </p>
            {m.attachments.length > 0 && <p class="hint">{t('thread_attachments', [m.attachments.length])}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
