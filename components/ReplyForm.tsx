import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ATTACHMENT_TYPES, MESSAGE_MAX_CHARS } from '@/utils/shared/api-contract';
import type { Ticket, TicketWithMessages } from '@/utils/shared/daakey-types';
import type { MessageKey } from '@/utils/shared/i18n';
import type { AuthView } from '@/utils/shared/messages';
import type { TemplateValues } from '@/utils/ui/templates';
import { messageProblem, type Problem } from '@/utils/ui/form-input';
import type { ActionError, ReplyActions, SeenStore } from '@/utils/ui/connect';
import { CreateTicketForm } from './CreateTicketForm';
import { errorText, fieldErrors } from './error-text';
import { useI18n } from './i18n-context';
import { StatusBadge } from './StatusBadge';
import { TemplatePicker } from './TemplatePicker';
import { TemplateFill } from './reply-form/TemplateFill';
import { StatusArea } from './reply-form/StatusArea';
import { type LatestBox, doneMedia, useAttachments } from './reply-form/use-attachments';
import { useDraftSaver } from './reply-form/use-draft-saver';
import { useTemplates } from './reply-form/use-templates';
import { type Notice, statusView, undoable } from './reply-form/status-view';
import { UNSENT, entryToShow, useOutboxEntry } from './reply-form/use-outbox-entry';
import { ThreadList } from './ThreadList';
import './ReplyForm.css';

export interface ReplyFormProps {
  actions: ReplyActions;
  ticketId: number;
  /** Values for `{{agency.name}}` and friends that the form cannot learn by itself. */
  context?: { agencyName?: string };
  onOpenSettings?: () => void;
  onOpenTicket?: (ticketId: number) => void;
  seen?: SeenStore;
  /** Draft save delay; tests shorten it. */
  draftDelayMs?: number;
  pollMs?: number;
  /**
   * Why Send is unavailable right now (the popup's Ticket ID field and the ticket shown disagree), or null.
   * Send then explains this instead of sending anything.
   */
  sendBlockedReason?: string | null;
  /** Text to start with when the ticket has no draft (the popup carries what was typed across a ticket switch). */
  initialMessage?: string;
  /** Called with the text whenever the agent edits it. */
  onMessageChange?: (text: string) => void;
  /**
   * Focus the message box in the very render that shows it (the inline panel: the agent clicked to type, and keys
   * pressed between the box appearing and a later focus would be lost).
   */
  autoFocus?: boolean;
  /** How often the open form refreshes the thread to notice new messages (default 30 s; also on focus). */
  refreshMs?: number;
  /** Told when the form learns that the session is gone (a 401), so the popup's header stops saying "Signed in". */
  onSignedOut?: () => void;
}

let uid = 0;

/** True for Ctrl/Cmd+Enter without Alt, AltGr or Shift, and not mid-composition (IME). */
export function isSendShortcut(e: KeyboardEvent): boolean {
  if (e.key !== 'Enter' || e.isComposing || e.keyCode === 229) return false;
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return false;
  return !(typeof e.getModifierState === 'function' && e.getModifierState('AltGraph'));
}

/** The reply form shared by the popup and the inline panel. */
const memorySeen = new Set<string>();
/** The open form looks for new messages on the ticket this often, and when its window regains focus. */
export const REFRESH_MS = 30_000;

export function ReplyForm({
  actions,
  ticketId,
  context,
  onOpenSettings,
  onOpenTicket,
  seen = memorySeen,
  draftDelayMs = 300,
  pollMs = 500,
  sendBlockedReason = null,
  initialMessage = '',
  onMessageChange,
  autoFocus = false,
  refreshMs = REFRESH_MS,
  onSignedOut,
}: ReplyFormProps) {
  const { t, lang } = useI18n();
  const base = useMemo(() => `rf${++uid}`, []);
  const [ticket, setTicket] = useState<TicketWithMessages | null>(null);
  const [ticketError, setTicketError] = useState<ActionError | null>(null);
  const [message, setMessage] = useState(initialMessage);
  const [notice, setNotice] = useState<Notice>(null);
  const [sending, setSending] = useState(false);
  const [created, setCreated] = useState<Ticket | null>(null);
  const [auth, setAuth] = useState<AuthView | null>(null);
  const [dragging, setDragging] = useState(false);
  // Collision detection: the messages the agent had when the ticket opened (or has acknowledged since), and the
  // ones this form sent itself. Anything else that appears was written by the customer or another agent meanwhile.
  const [known, setKnown] = useState<ReadonlySet<number> | null>(null);
  const [ownIds, setOwnIds] = useState<ReadonlySet<number>>(new Set());
  const [confirmCollision, setConfirmCollision] = useState(false);
  // A refresh still waiting for its answer: focus and visibility often come together, one request serves both.
  const refreshing = useRef(false);

  const sendingRef = useRef(false);
  // Set by "Send anyway" for the send it starts at once (before the state update that records it renders).
  const collisionAccepted = useRef<ReadonlySet<number> | null>(null);
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const followUpRef = useRef<HTMLDivElement>(null);
  const caretRef = useRef<number | null>(null);
  const alive = useRef(true);
  const latest = useRef<LatestBox>({ message, attachments: [] });
  // The opening read of the outbox: Send waits for it, so a reply it finds is replaced rather than shown over the new one.
  const outboxRead = useRef<Promise<void>>(Promise.resolve());
  const { entry, setEntry, entryNow, undoSecondsFor } = useOutboxEntry({
    listOutbox: actions.listOutbox,
    ticketId,
    pollMs,
    alive,
    seen,
    shown: notice?.kind === 'entry',
    onGone: () => setNotice({ kind: 'info', text: t('status_gone') }),
    onSent: (sent) => {
      const sentId = sent.sent?.messageId;
      if (sentId !== undefined) setOwnIds((ids) => new Set([...ids, sentId]));
      void loadTicket();
      // The background cleared the stored draft; the box empties if it still holds this reply.
      if (latest.current.message.trim() === sent.message.trim()) {
        clearBox();
        setMissing([]);
      }
    },
  });
  const {
    attachments,
    setAttachments,
    problems: attachProblems,
    add: addFiles,
    remove: removeAttachment,
  } = useAttachments({
    upload: actions.uploadMedia,
    latest,
    alive,
    onChange: () => draft.schedule(),
    uploadError: (error) => errorText(t, error),
    problemText,
  });
  latest.current = { message, attachments };
  const unknownTicket = !ticket && ticketError?.kind === 'not_found';

  const draft = useDraftSaver(
    () => void actions.saveDraft(ticketId, latest.current.message, doneMedia(latest.current.attachments)),
    draftDelayMs,
  );

  const {
    templates,
    setTemplates,
    picker,
    setPicker,
    matches,
    fill,
    setMissing,
    stillMissing: templateMissing,
    typed,
    pick,
    insertFilled,
    cancelFill,
    open: openTemplates,
    onKey: onTemplateKey,
  } = useTemplates({
    latest,
    boxRef,
    values: templateValues,
    setText(text, caret, save) {
      caretRef.current = caret;
      latest.current = { ...latest.current, message: text };
      setMessage(text);
      onMessageChange?.(text);
      if (save) draft.schedule();
      boxRef.current?.focus();
    },
  });

  async function loadTicket() {
    const r = await actions.getTicket(ticketId);
    if (!alive.current) return;
    if (r.ok) {
      setTicket(r.data);
      setTicketError(null);
      // The first answer is what the agent sees when opening the ticket.
      setKnown((k) => k ?? new Set(r.data.messages.map((m) => m.id)));
    } else setTicketError(r.error);
  }

  async function reloadDraft() {
    const r = await actions.getDraft(ticketId);
    if (!alive.current || !r.ok || !r.data) return;
    const draft = r.data;
    if (latest.current.message !== '' || latest.current.attachments.length > 0) return;
    setMessage(draft.message);
    setAttachments(draft.attachments.map((media) => ({ key: `d${++uid}`, name: media.name, state: 'done', media })));
  }

  useEffect(() => {
    alive.current = true;
    void loadTicket();
    const read = (async () => {
      const outbox = await actions.listOutbox(ticketId);
      const newest = outbox.ok ? entryToShow(outbox.data, ticketId, seen, Date.now()) : null;
      if (alive.current && newest) {
        setEntry(newest);
        setNotice({ kind: 'entry' });
      }
    })().catch(() => undefined);
    outboxRead.current = read;
    void read.then(reloadDraft);
    void actions.listTemplates().then((r) => alive.current && r.ok && setTemplates(r.data));
    void actions.authStatus().then((r) => alive.current && r.ok && setAuth(r.data));
    const flush = () => draft.flush();
    window.addEventListener('pagehide', flush);
    // Nothing new slips by: the thread is read again when the window regains focus, and every refreshMs.
    const refresh = () => {
      if (refreshing.current) return;
      refreshing.current = true;
      void loadTicket().finally(() => {
        refreshing.current = false;
      });
    };
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', onVisible);
    const timer = setInterval(refresh, refreshMs);
    return () => {
      alive.current = false;
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', onVisible);
      clearInterval(timer);
      draft.flush();
    };
  }, [ticketId]);

  // The box exists once the ticket (or why it could not be read) is known.
  const boxShown = ticket !== null || ticketError !== null;
  useLayoutEffect(() => {
    if (autoFocus && boxShown) boxRef.current?.focus();
  }, [boxShown]);

  useLayoutEffect(() => {
    if (caretRef.current !== null && boxRef.current) {
      boxRef.current.setSelectionRange(caretRef.current, caretRef.current);
      caretRef.current = null;
    }
  });

  /** Empties the box (text and attachments) without a pending draft save bringing the text back. */
  function clearBox() {
    draft.cancel();
    latest.current = { message: '', attachments: [] };
    setMessage('');
    onMessageChange?.('');
    setAttachments([]);
  }

  function updateMessage(value: string, caret: number) {
    latest.current = { ...latest.current, message: value };
    setMessage(value);
    onMessageChange?.(value);
    if (notice?.kind === 'problem' || notice?.kind === 'info') setNotice(null);
    draft.schedule();
    typed(value, caret);
  }

  function templateValues(): TemplateValues {
    const customer = ticket?.messages
      .slice()
      .reverse()
      .find((m) => m.sender !== 'client');
    return {
      'ticket.id': ticketId,
      'ticket.reference': ticket?.reference,
      'ticket.subject': ticket?.subject,
      'customer.name': customer?.sender_name,
      'agent.name': auth?.user?.name,
      'agency.name': context?.agencyName,
    };
  }

  function problemText(p: Problem): string {
    return t(p.key as MessageKey, p.subs);
  }

  async function send() {
    if (sendingRef.current) return;
    // The popup's Ticket ID and the ticket shown disagree: say so, send nothing.
    if (sendBlockedReason) {
      setNotice({ kind: 'problem', text: sendBlockedReason });
      return;
    }
    // An unknown ticket: nothing to send to. (Any other failure to read it, offline or signed out, still lets the
    // reply wait in the outbox.)
    if (unknownTicket && ticketError) {
      setNotice({ kind: 'problem', text: errorText(t, ticketError, ticketId) });
      return;
    }
    if (!ticket && !ticketError) {
      setNotice({ kind: 'problem', text: t('ticket_loading', [ticketId]) });
      return;
    }
    const text = latest.current.message;
    const problem = messageProblem(text);
    if (problem) {
      setNotice({ kind: 'problem', text: problemText(problem) });
      boxRef.current?.focus();
      return;
    }
    if (latest.current.attachments.some((a) => a.state === 'uploading')) {
      setNotice({ kind: 'problem', text: t('attach_wait') });
      return;
    }
    if (isClosed) {
      // The follow-up form under the box is the way on; its button says so, the alert already explains why.
      setNotice(null);
      followUpRef.current?.querySelector<HTMLButtonElement>('button[type="submit"]')?.focus();
      return;
    }
    // From here a second press is the same send.
    sendingRef.current = true;
    await outboxRead.current;
    if (!alive.current) return;
    // What the outbox holds now, not what this render saw: the opening read may have answered meanwhile.
    const current = entryNow();
    // The same text already in the outbox: never a second copy. A failed one is retried instead.
    const same = current && UNSENT.has(current.state) && current.message.trim() === text.trim() ? current : null;
    if (same) {
      if (same.state === 'failed' || same.state === 'needs_attention') await retry(same);
      sendingRef.current = false;
      setNotice({ kind: 'entry' });
      return;
    }
    // Someone wrote since the agent opened the ticket: show it and ask first.
    const accepted = collisionAccepted.current;
    collisionAccepted.current = null;
    if (messagesSince(accepted ?? known).length > 0) {
      sendingRef.current = false;
      setConfirmCollision(true);
      return;
    }
    // An edited version replaces a reply that failed, waits for sign-in, or is still inside its undo window.
    if (current && (current.state === 'failed' || current.state === 'paused' || undoable(current))) {
      // The old one goes only if the new one may go: a refused discard (the panel is covered) keeps both as they were.
      const dropped = await actions.discard(current.id);
      if (!dropped.ok) {
        sendingRef.current = false;
        if (alive.current) setNotice({ kind: 'send-error', error: dropped.error });
        return;
      }
    }
    setSending(true);
    setNotice({ kind: 'sending' });
    const media = doneMedia(latest.current.attachments);
    // The stored draft must equal the reply: the background clears it only when this one is sent.
    draft.cancel();
    await actions.saveDraft(ticketId, text, media).catch(() => undefined);
    const clientId = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    const r = await actions.send(
      clientId,
      ticketId,
      text,
      media.map((m) => m.url),
    );
    sendingRef.current = false;
    if (!alive.current) return;
    setSending(false);
    if (r.ok) {
      // The text stays in the box (and the stored draft) until the server accepts it.
      setEntry(r.data);
      setNotice({ kind: 'entry' });
    } else {
      setNotice({ kind: 'send-error', error: r.error });
    }
  }

  /** Messages on the ticket that are neither known to the agent nor this form's own reply. */
  function messagesSince(knownIds: ReadonlySet<number> | null) {
    if (!ticket || !knownIds) return [];
    const own = entry ? entry.message.trim() : null;
    return ticket.messages.filter(
      (m) => !knownIds.has(m.id) && !ownIds.has(m.id) && m.id !== entry?.sent?.messageId && !(own !== null && m.message.trim() === own),
    );
  }

  /** The agent read what was new and still wants to send: those messages count as seen, and Send goes on. */
  function sendAnyway() {
    const ids = new Set(known ?? []);
    for (const m of newSince) ids.add(m.id);
    setKnown(ids);
    setConfirmCollision(false);
    collisionAccepted.current = ids;
    void send();
  }

  function onKeyDown(e: KeyboardEvent) {
    if (onTemplateKey(e)) return;
    if (isSendShortcut(e)) {
      e.preventDefault();
      void send();
    }
  }

  async function retry(target = entry) {
    if (!target) return;
    const r = await actions.retry(target.id);
    if (r.ok) setEntry(r.data);
    else setNotice({ kind: 'send-error', error: r.error });
  }

  /** Takes a reply back inside its undo window; the text never left the box. */
  async function undo() {
    if (!entry) return;
    const r = await actions.discard(entry.id);
    if (!alive.current) return;
    if (r.ok && r.data.discarded) {
      setEntry(null);
      setNotice({ kind: 'info', text: t('status_undone') });
      boxRef.current?.focus();
    } else if (!r.ok) setNotice({ kind: 'send-error', error: r.error });
    else setNotice({ kind: 'info', text: t('undo_too_late') });
  }

  async function discard() {
    if (!entry) return;
    const r = await actions.discard(entry.id);
    if (!alive.current) return;
    if (!r.ok) {
      setNotice({ kind: 'send-error', error: r.error });
      return;
    }
    setEntry(null);
    setNotice(null);
  }

  const entryError = notice?.kind === 'send-error' ? notice.error : notice?.kind === 'entry' ? (entry?.error ?? null) : null;
  const fields = fieldErrors(t, entryError);
  const signedOut =
    !!auth?.needsSignIn || entryError?.kind === 'unauthorized' || ticketError?.kind === 'unauthorized' || entry?.state === 'paused';
  const isClosed = !created && (ticket?.status === 'closed' || entryError?.kind === 'closed');
  const resolved = ticket?.status === 'resolved';
  const view = statusView({
    t,
    lang,
    ticketId,
    notice,
    entry,
    ticketError,
    closed: isClosed,
    signedOut,
    undoSeconds: undoSecondsFor,
  });
  // Counted as sent: surrounding blanks never reach the ticket, so they never count against the limit shown.
  const count = message.trim().length;
  const tooLong = message.length > MESSAGE_MAX_CHARS;
  const stillMissing = templateMissing(message);
  const problemId = `${base}-problem`;
  const countId = `${base}-count`;
  const reopenId = `${base}-reopen`;
  const listboxId = `${base}-templates`;
  const pickerOpen = picker !== null;
  const newSince = messagesSince(known);
  const sendUnavailable = sendBlockedReason !== null || unknownTicket;
  // While a reply waits to be retried, Retry now is the step forward; Send would only repeat it.
  const waiting = view.action === 'retry-cancel' || view.action === 'retry-discard';

  useEffect(() => {
    if (signedOut) onSignedOut?.();
  }, [signedOut]);

  const actionButtons = (() => {
    switch (view.action) {
      case 'undo':
        return (
          <button type="button" onClick={() => void undo()}>
            {t('undo_send')}
          </button>
        );
      case 'retry-cancel':
      case 'retry-discard':
        return (
          <>
            <button type="button" class="primary" onClick={() => void retry()}>
              {t('retry_now')}
            </button>
            <button type="button" onClick={() => void discard()}>
              {view.action === 'retry-cancel' ? t('cancel') : t('discard')}
            </button>
          </>
        );
      case 'sign-in':
        return onOpenSettings ? (
          <button type="button" class="primary" onClick={onOpenSettings}>
            {t('sign_in')}
          </button>
        ) : null;
      default:
        return null;
    }
  })();

  return (
    <div class={isClosed ? 'reply-form closed' : 'reply-form'}>
      <div class="ticket-head">
        {ticket ? (
          <>
            <div class="ticket-line">
              <span class="ticket-id">#{ticket.id}</span>
              <span class="ref" dir="auto">
                {ticket.reference}
              </span>
              <StatusBadge status={ticket.status} />
            </div>
            <h2 dir="auto" class="subject" title={ticket.subject}>
              {ticket.subject}
            </h2>
          </>
        ) : ticketError ? (
          // The reason is in the status area below: the header names the ticket and nothing more.
          <div class="ticket-line">
            <span class="ticket-id">#{ticketId}</span>
          </div>
        ) : (
          <p class="hint">{t('ticket_loading', [ticketId])}</p>
        )}
      </div>

      {newSince.length > 0 && (
        <section class="notice warn new-since" aria-labelledby={`${base}-new`}>
          <h3 id={`${base}-new`}>{t('collision_heading', [newSince.length])}</h3>
          <ol>
            {newSince.map((m) => (
              <li key={m.id}>
                <span dir="auto" class="meta">
                  {m.sender_name}
                </span>
                <p dir="auto" class="body">
                  {m.message}
                </p>
              </li>
            ))}
          </ol>
        </section>
      )}

      {/* Oldest first, so the customer's last message sits right above the box the agent answers it in. */}
      {/* A closed ticket keeps only its last message, and a smaller box: its one action, "Create follow-up ticket",
          must show in a 600 px popup without scrolling. */}
      {ticket && <ThreadList messages={ticket.messages} limit={isClosed ? 1 : 5} headingHidden={isClosed} />}

      {created && (
        <div class="notice ok">
          <p>{t('create_done', [created.id, created.reference])}</p>
          {onOpenTicket && (
            <button type="button" onClick={() => onOpenTicket(created.id)}>
              {t('create_open_new', [created.id])}
            </button>
          )}
        </div>
      )}

      {/* The form waits for the ticket's answer so that a closed ticket is known before any typing. */}
      {boxShown && (
        <form
          class={`compose${dragging ? ' dragging' : ''}`}
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
          onDragOver={(e) => {
            if (e.dataTransfer?.types.includes('Files')) {
              e.preventDefault();
              setDragging(true);
            }
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            setDragging(false);
            if (e.dataTransfer?.files.length) {
              e.preventDefault();
              addFiles(e.dataTransfer.files);
            }
          }}
        >
          <label for={`${base}-message`} class="label">
            {t('message_label')}
          </label>
          <textarea
            id={`${base}-message`}
            ref={boxRef}
            // Empty, the box takes the page's direction (placeholder and caret on the reading side); typed text
            // picks its own. Not a CSS `direction` switch: Firefox then scrolled the placeholder out of sight.
            dir={message === '' ? undefined : 'auto'}
            rows={isClosed ? 2 : 5}
            value={message}
            placeholder={t('message_placeholder')}
            aria-invalid={notice?.kind === 'problem' || tooLong || fields.some((f) => f.field === 'message')}
            aria-describedby={`${countId} ${problemId}`}
            aria-controls={pickerOpen && matches.length > 0 ? listboxId : undefined}
            aria-activedescendant={pickerOpen && matches.length > 0 ? `${listboxId}-${picker.active}` : undefined}
            onInput={(e) => updateMessage(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length)}
            onKeyDown={onKeyDown}
            onBlur={() => setPicker(null)}
            onPaste={(e) => {
              const files = e.clipboardData?.files;
              if (files && files.length > 0) {
                e.preventDefault();
                addFiles(files);
              }
            }}
          />
          {fill && (
            <TemplateFill
              key={`${fill.template.id}-${fill.start}`}
              templateName={fill.template.name}
              names={fill.names}
              onInsert={insertFilled}
              onCancel={cancelFill}
            />
          )}
          {pickerOpen && (
            <TemplatePicker
              id={listboxId}
              templates={matches}
              active={picker.active}
              empty={templates.length === 0}
              onPick={pick}
              onHover={(i) => setPicker({ ...picker, active: i })}
            />
          )}
          <div class="under-box">
            <span id={countId} class={`count${tooLong ? ' over' : ''}`}>
              {t('char_count', [count, MESSAGE_MAX_CHARS])}
            </span>
            {templates.length > 0 && <span class="hint">{t('templates_hint')}</span>}
          </div>
          {/* Only what the status area does not already say: the live length problem and the server's field notes. */}
          <div id={problemId} class="problem">
            {tooLong && notice?.kind !== 'problem' ? t('message_too_long', [message.length - MESSAGE_MAX_CHARS, MESSAGE_MAX_CHARS]) : ''}
            {fields.map((f) => (
              <span key={f.field} class="field-error" dir="auto">
                {f.label}: {f.messages.join(' ')}
              </span>
            ))}
          </div>
          {stillMissing.length > 0 && <p class="notice warn">{t('templates_missing', [stillMissing.map((n) => `{{${n}}}`).join(', ')])}</p>}

          {(attachments.length > 0 || attachProblems.length > 0) && (
            <ul class="attachments" aria-label={t('attach_list_label')}>
              {attachments.map((a) => (
                <li key={a.key} class={a.state}>
                  <span dir="auto" class="name">
                    {a.name}
                  </span>
                  <span class="hint">
                    {a.state === 'uploading' ? t('attach_uploading') : a.state === 'error' ? a.error : t('attach_ready')}
                  </span>
                  <button type="button" class="link" aria-label={t('attach_remove', [a.name])} onClick={() => removeAttachment(a.key)}>
                    ×
                  </button>
                </li>
              ))}
              {attachProblems.map((p) => (
                <li key={p} class="problem" dir="auto">
                  {p}
                </li>
              ))}
            </ul>
          )}

          {confirmCollision && newSince.length > 0 && (
            <div class="notice warn collision" role="alert">
              <p>{t('collision_ask')}</p>
              <div class="row">
                <button type="button" class="primary" onClick={sendAnyway}>
                  {t('collision_send_anyway')}
                </button>
                <button type="button" onClick={() => setConfirmCollision(false)}>
                  {t('cancel')}
                </button>
              </div>
            </div>
          )}

          {resolved && !isClosed && (
            <p id={reopenId} class="hint reopen-hint">
              {t('reopen_warning')}
            </p>
          )}

          <div class="row actions">
            {/* A closed ticket takes no reply: the follow-up form below carries the text, with the one primary button. */}
            {!isClosed && (
              <button
                type="submit"
                class={waiting || confirmCollision || fill ? undefined : 'primary'}
                aria-busy={sending}
                aria-disabled={sendUnavailable ? 'true' : undefined}
                aria-describedby={resolved ? reopenId : undefined}
              >
                {/* Names its target (the name starts with "Send reply", shared/ui-names.md), or what else it does. */}
                {resolved ? t('reopen_confirm') : unknownTicket ? t('send_reply') : t('send_reply_to', [ticket?.id ?? ticketId])}
              </button>
            )}
            <button type="button" onClick={() => fileRef.current?.click()}>
              {t('attach_files')}
            </button>
            <button type="button" aria-haspopup="listbox" aria-expanded={pickerOpen} onClick={openTemplates}>
              {t('templates_button')}
            </button>
            <input
              ref={fileRef}
              type="file"
              multiple
              hidden
              tabIndex={-1}
              aria-hidden="true"
              accept={ATTACHMENT_TYPES.join(',')}
              onChange={(e) => {
                const input = e.currentTarget;
                if (input.files) addFiles(input.files);
                input.value = '';
              }}
            />
            {!isClosed && <span class="hint shortcut">{t('send_shortcut_hint')}</span>}
          </div>
        </form>
      )}

      <StatusArea kind={view.kind} text={view.text} alert={view.alert}>
        {actionButtons}
      </StatusArea>

      {view.action === 'retry-discard' && entry && entry.message.trim() !== message.trim() && (
        <blockquote class="stuck-text" dir="auto">
          {entry.message}
        </blockquote>
      )}

      {isClosed && ticket && (
        <div ref={followUpRef}>
          <CreateTicketForm
            actions={actions}
            from={ticket}
            message={message}
            attachments={doneMedia(attachments).map((m) => m.url)}
            onCreated={(newTicket) => {
              setCreated(newTicket);
              setNotice(null);
              clearBox();
              void actions.saveDraft(ticketId, '', []);
            }}
          />
        </div>
      )}
    </div>
  );
}
