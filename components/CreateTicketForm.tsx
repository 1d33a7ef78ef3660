import { useState } from 'preact/hooks';
import { SUBJECT_MAX_CHARS } from '@/utils/shared/api-contract';
import type { Ticket } from '@/utils/shared/daakey-types';
import { messageProblem } from '@/utils/ui/form-input';
import type { ReplyActions } from '@/utils/ui/connect';
import { errorText, fieldErrors } from './error-text';
import { useI18n } from './i18n-context';

export interface CreateTicketFormProps {
  actions: Pick<ReplyActions, 'createTicket'>;
  from: Ticket;
  message: string;
  attachments: string[];
  onCreated(ticket: Ticket): void;
}

/**
 * A closed ticket takes no message: this carries the text over into a follow-up ticket. It sits under the message box
 * and its button is the form's one primary action, so there is nothing to cancel. No hint of its own: the status
 * alert above already says the text goes into a follow-up ticket, and the button must stay above a 600 px fold.
 */
export function CreateTicketForm({ actions, from, message, attachments, onCreated }: CreateTicketFormProps) {
  const { t } = useI18n();
  const [subject, setSubject] = useState(() => t('create_subject_default', [from.reference, from.subject]).slice(0, SUBJECT_MAX_CHARS));
  const [category, setCategory] = useState(from.category);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const msgProblem = messageProblem(message);
    if (subject.trim() === '') return setProblem(t('create_subject_empty'));
    if (subject.length > SUBJECT_MAX_CHARS) return setProblem(t('create_subject_too_long', [SUBJECT_MAX_CHARS]));
    if (category.trim() === '') return setProblem(t('create_category_empty'));
    if (msgProblem) return setProblem(t(msgProblem.key as 'message_empty', msgProblem.subs));
    setBusy(true);
    setProblem(null);
    const result = await actions.createTicket({ subject: subject.trim(), category: category.trim(), message, attachments });
    setBusy(false);
    if (result.ok) onCreated(result.data);
    else {
      const fields = fieldErrors(t, result.error).map((f) => `${f.label}: ${f.messages.join(' ')}`);
      setProblem([errorText(t, result.error), ...fields].join(' '));
    }
  }

  return (
    <form class="create-ticket" onSubmit={submit} aria-labelledby="create-heading">
      {/* Named for screen readers only: the status alert and the button already say it, above the fold. */}
      <h3 id="create-heading" class="visually-hidden">
        {t('create_heading')}
      </h3>
      {/* Side by side: both come filled in, and the button must stay above the popup's fold. */}
      <div class="create-fields">
        <label>
          {t('field_subject')}
          <input
            type="text"
            dir="auto"
            value={subject}
            maxLength={SUBJECT_MAX_CHARS + 50}
            onInput={(e) => setSubject(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('field_category')}
          <input type="text" dir="auto" value={category} onInput={(e) => setCategory(e.currentTarget.value)} />
        </label>
      </div>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" aria-busy={busy}>
          {t('create_follow_up')}
        </button>
        {busy && <span class="hint">{t('create_busy')}</span>}
      </div>
    </form>
  );
}
