import { useEffect, useRef, useState } from 'preact/hooks';
import type { MessageKey } from '@/utils/shared/i18n';
import type { AuthView, DetectedTicket } from '@/utils/shared/messages';
import { parseTicketId } from '@/utils/ui/form-input';
import type { PopupActions } from '@/utils/ui/connect';
import { useI18n } from './i18n-context';
import { ReplyForm } from './ReplyForm';
import './theme.css';
import './PopupApp.css';

export interface PopupAppProps {
  actions: PopupActions;
  initialTicketId?: number | null;
  /** How long typing in Ticket ID rests before that ticket loads; tests shorten it. */
  typedLoadDelayMs?: number;
}

/** Typing a Ticket ID loads that ticket once the agent pauses this long (Enter loads it at once). */
export const TYPED_LOAD_DELAY_MS = 400;

/** Most relevant first: the page's own ticket, then the order the page shows them in. */
export function sortDetected(list: DetectedTicket[]): DetectedTicket[] {
  const ordered = list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => Number(b.d.primary) - Number(a.d.primary) || a.i - b.i)
    .map(({ d }) => d);
  const seen = new Set<number>();
  const out: DetectedTicket[] = [];
  for (const d of ordered) {
    if (seen.has(d.id)) continue;
    seen.add(d.id);
    out.push(d);
  }
  return out;
}

/** A label such as "Ticket #42" or "#42" says nothing the chip's "#42" does not. */
export function repeatsId(label: string, id: number): boolean {
  return new RegExp(`^\\s*(?:ticket\\s*)?(?:#|n°\\s*)?${id}\\s*$`, 'i').test(label);
}

export function PopupApp({ actions, initialTicketId = null, typedLoadDelayMs = TYPED_LOAD_DELAY_MS }: PopupAppProps) {
  const { t } = useI18n();
  const [auth, setAuth] = useState<AuthView | null>(null);
  const [detected, setDetected] = useState<DetectedTicket[]>([]);
  const [ticketId, setTicketId] = useState<number | null>(initialTicketId);
  const [typed, setTyped] = useState(initialTicketId ? String(initialTicketId) : '');
  const [typedProblem, setTypedProblem] = useState<string | null>(null);
  const [agencyName, setAgencyName] = useState('');
  // What the agent typed in the form, carried to the next ticket when the Ticket ID changes under it.
  const typedText = useRef('');
  const [carried, setCarried] = useState('');
  const loadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(loadTimer.current), []);

  useEffect(() => {
    void actions.authStatus().then((r) => r.ok && setAuth(r.data));
    void actions.flush();
    void actions.agencyName().then(setAgencyName, () => undefined);
    void actions.detectedTickets().then((list) => {
      const sorted = sortDetected(list);
      setDetected(sorted);
      const first = sorted[0]?.id;
      // The field shows the ticket the form shows (unless the agent is already typing another one).
      if (first !== undefined) {
        setTicketId((current) => current ?? first);
        setTyped((current) => (current === '' ? String(first) : current));
      }
    });
  }, []);

  /** Shows this ticket in the form, carrying over what the agent typed there. */
  function load(id: number) {
    clearTimeout(loadTimer.current);
    if (id === ticketId) return;
    setCarried(typedText.current);
    setTicketId(id);
  }

  function openTyped(e: Event) {
    e.preventDefault();
    const parsed = parseTicketId(typed);
    if (!parsed.ok) {
      setTypedProblem(t(parsed.problem.key as MessageKey, parsed.problem.subs));
      return;
    }
    setTypedProblem(null);
    load(parsed.id);
  }

  function onTypedInput(value: string) {
    setTyped(value);
    setTypedProblem(null);
    clearTimeout(loadTimer.current);
    // Typing a Ticket ID loads that ticket: the form always shows the ticket a reply would go to.
    const parsed = parseTicketId(value);
    if (parsed.ok) loadTimer.current = setTimeout(() => load(parsed.id), typedLoadDelayMs);
  }

  function choose(id: number) {
    load(id);
    setTyped(String(id));
    setTypedProblem(null);
  }

  // The field and the ticket shown disagree (still typing, or a number that is not a ticket ID): no Send.
  const mismatch = ticketId !== null && typed.trim() !== String(ticketId);
  // Never signed in and nothing to answer yet: the only step forward is signing in, so that is all there is.
  const firstRun = auth !== null && !auth.signedIn && !auth.needsSignIn && ticketId === null && detected.length === 0;
  const signedIn = auth?.signedIn === true && auth.user !== null;
  const openOnboarding = () => (actions.openOnboarding ?? actions.openOptions)();

  return (
    <div class="popup">
      <header class="popup-head">
        <h1>{t('extName')}</h1>
        <div class="account">
          <span class="hint" dir="auto">
            {auth === null ? '' : signedIn && auth.user ? t('header_signed_in', [auth.user.name]) : t('header_signed_out')}
          </span>
          {!firstRun && (
            <button type="button" class="link" onClick={() => actions.openOptions()}>
              {t('open_settings')}
            </button>
          )}
        </div>
      </header>
      <main class="popup-main">
        {firstRun ? (
          <section class="first-run">
            <p>{t('popup_first_run')}</p>
            <button type="button" class="primary" onClick={openOnboarding}>
              {t('sign_in')}
            </button>
          </section>
        ) : (
          body()
        )}
      </main>
    </div>
  );

  /** Called, not rendered as a component: a component defined here would remount the form on every render. */
  function body() {
    return (
      <>
        {detected.length > 0 && (
          <nav class="detected" aria-labelledby="detected-heading">
            <h2 id="detected-heading" class="hint">
              {t('detected_heading')}
            </h2>
            <ul>
              {detected.map((d) => (
                <li key={d.id}>
                  <button type="button" aria-pressed={d.id === ticketId} onClick={() => choose(d.id)}>
                    <span class="num">#{d.id}</span>
                    {!repeatsId(d.label, d.id) && (
                      <>
                        {' '}
                        <span dir="auto" class="label">
                          {d.label}
                        </span>
                      </>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
        )}

        <form class="ticket-picker" onSubmit={openTyped} noValidate>
          <label for="ticket-id">{t('ticket_id_label')}</label>
          <div class="row">
            <input
              id="ticket-id"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={typed}
              aria-invalid={typedProblem !== null}
              aria-describedby="ticket-id-problem"
              onInput={(e) => onTypedInput(e.currentTarget.value)}
            />
            <button type="submit">{t('ticket_open')}</button>
          </div>
          <p id="ticket-id-problem" class="problem">
            {typedProblem ?? ''}
          </p>
        </form>

        {ticketId !== null ? (
          <ReplyForm
            key={ticketId}
            actions={actions}
            ticketId={ticketId}
            context={{ agencyName }}
            onOpenSettings={() => actions.openOptions()}
            onOpenTicket={choose}
            seen={actions.seen}
            sendBlockedReason={mismatch ? t('send_target_mismatch', [typed.trim(), ticketId]) : null}
            initialMessage={carried}
            onMessageChange={(text) => {
              typedText.current = text;
            }}
            onSignedOut={() => setAuth((a) => (a?.signedIn ? { ...a, signedIn: false, needsSignIn: true } : a))}
          />
        ) : (
          <p class="hint">{t('popup_choose_ticket')}</p>
        )}
      </>
    );
  }
}
