/**
 * The inline reply panel: an extension page the content script shows in an iframe beside a ticket. Being
 * another origin, the dashboard page can neither read it nor drive it; it loads everything itself from the
 * background, like the popup. The ticket and a single-use pass come in the URL.
 */
import { render } from 'preact';
import { I18nContext } from '@/components/i18n-context';
import { ReplyPanel, PanelNotice } from '@/components/ReplyPanel';
import type { TicketWithMessages } from '@/utils/shared/daakey-types';
import type { I18n } from '@/utils/shared/i18n';
import { applyTheme, cachedAppearance, loadPageI18n, rememberAppearance, type Appearance } from '@/utils/ui/i18n-loader';
import { sendToBackground as request } from '@/utils/shared/messenger';
import { createReplyActions, type ReplyActions } from '@/utils/ui/connect';
import { watchVisibility } from '@/utils/ui/visibility-guard';
import '@/components/theme.css';
import '@/components/ReplyForm.css';
import '@/components/ReplyPanel.css';

const params = new URLSearchParams(location.search);
const ticketParam = Number(params.get('ticket'));
const pass = params.get('pass') ?? '';
const app = document.getElementById('app')!;

/**
 * Send and ticket creation work only once the pass is claimed (this panel is the one the agent's click opened),
 * and only while the panel is really visible: where the browser can tell (IntersectionObserver v2), a page
 * that covers, fades or shrinks the panel to trick a click gets nothing.
 */
function guarded(actions: ReplyActions, claimed: Promise<boolean>, covered: () => boolean, i18n: I18n): ReplyActions {
  const refusal = (key: 'panel_covered' | 'panel_expired') => ({
    ok: false as const,
    error: { kind: 'bad_request' as const, message: i18n.t(key) },
  });
  async function check() {
    if (!(await claimed)) return refusal('panel_expired');
    return covered() ? refusal('panel_covered') : null;
  }
  // Everything that changes what reaches the customer: sending, creating, and taking a queued reply back.
  return {
    ...actions,
    send: async (...args) => (await check()) ?? actions.send(...args),
    createTicket: async (input) => (await check()) ?? actions.createTicket(input),
    discard: async (id) => (await check()) ?? actions.discard(id),
    retry: async (id) => (await check()) ?? actions.retry(id),
  };
}

/** The form's first read of its ticket answered with the one the claim brought, if any; later reads ask again. */
function withTicketAtHand(actions: ReplyActions, ticket: TicketWithMessages | null): ReplyActions {
  let atHand = ticket;
  return {
    ...actions,
    getTicket: (ticketId) => {
      const first = atHand;
      atHand = null;
      return first && first.id === ticketId ? Promise.resolve({ ok: true as const, data: first }) : actions.getTicket(ticketId);
    },
  };
}

function close() {
  void request('panel/close', { pass });
}

async function main() {
  const settings = request('settings/get', {}).then(
    (r): Appearance => (r.ok ? { language: r.data.language, theme: r.data.theme } : { language: 'auto', theme: 'system' }),
  );
  const claim = request('panel/claim', { pass }).then((r) => (r.ok && r.data.ticketId === ticketParam ? r.data : null));
  const claimed = claim.then((c) => c !== null);
  const appearance = cachedAppearance() ?? (await settings);
  applyTheme(appearance.theme);
  const i18n = await loadPageI18n(appearance.language);
  document.title = i18n.t('panel_title', [ticketParam]);
  // Exposed on the panel's own root (the page cannot read into this frame) for tests to wait on.
  const visibility = watchVisibility(document.body, {
    onSettled: (settled) => {
      document.documentElement.dataset.visible = settled ? 'settled' : 'unsettled';
    },
  });
  const show = (content: preact.ComponentChild) => render(<I18nContext.Provider value={i18n}>{content}</I18nContext.Provider>, app);
  // The form (and the ticket, draft and thread it loads) only for the panel the agent's click opened: one
  // embedded by the page, reloaded or re-pointed has no live pass and shows a notice instead.
  const granted = await claim;
  if (granted) {
    const actions = withTicketAtHand(guarded(createReplyActions(), claimed, visibility.covered, i18n), granted.ticket);
    show(<ReplyPanel actions={actions} ticketId={ticketParam} onClose={close} />);
  } else show(<PanelNotice text={i18n.t('panel_expired')} onClose={close} />);
  rememberAppearance(await settings);
}

void main();
