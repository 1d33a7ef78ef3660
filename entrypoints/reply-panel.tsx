/**
 * The inline quick-reply panel: injected by the background into a dashboard tab the first time an
 * agent opens a panel there, so Preact and the form never weigh on the scanning content script.
 */
import { defineUnlistedScript } from '#imports';
import { browser } from 'wxt/browser';
import { render } from 'preact';
import { I18nContext } from '@/components/i18n-context';
import { ReplyPanel } from '@/components/ReplyPanel';
import { createMessenger } from '@/utils/messenger';
import { createReplyActions } from '@/utils/reply-actions';
import { createTranslator, directionOf, type LocaleMessages } from '@/utils/i18n';
import { registeredPanel, registerPanel, type PanelOpenOptions } from '@/utils/panel-contract';
import themeCss from '@/components/theme.css?inline';
import formCss from '@/components/ReplyForm.css?inline';
import panelCss from '@/components/ReplyPanel.css?inline';

// Page-level selectors mean nothing in a shadow root: the panel's host plays the document. A condition on the
// root (`:root[data-theme='dark']`, `:root:not(...)`) must become the functional `:host(...)`: `:host[...]` never
// matches, which left the panel light whatever the Theme setting.
const shadowCss = [themeCss, formCss, panelCss]
  .join('\n')
  .replace(/:root((?:\[[^\]]*\]|:not\([^)]*\))+)/g, ':host($1)')
  .replaceAll(':root', ':host')
  .replace(/(^|\n)body\s*\{/g, '$1.panel {');

export default defineUnlistedScript(() => {
  if (registeredPanel()) return;
  const request = createMessenger((m) => browser.runtime.sendMessage(m));
  const actions = createReplyActions(request);

  async function open({ ticketId, host, returnFocusTo, onClose, signal }: PanelOpenOptions) {
    const prefs = await request('ui/prefs', {});
    const lang = prefs.ok ? prefs.data.language : 'en';
    const t = createTranslator(
      (prefs.ok ? prefs.data.messages : {}) as LocaleMessages,
      (prefs.ok ? prefs.data.fallback : undefined) as LocaleMessages | undefined,
    );
    // Open, not closed: shadow DOM here isolates styles, it is no secrecy boundary (the panel holds
    // no secret), and an open root lets assistive tech and tests reach the form.
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = shadowCss;
    const mount = document.createElement('div');
    mount.className = 'panel';
    mount.lang = lang;
    mount.dir = directionOf(lang);
    if (prefs.ok && prefs.data.theme !== 'system') host.dataset.theme = prefs.data.theme;
    root.replaceChildren(style, mount);

    const close = () => {
      render(null, mount);
      host.remove();
      onClose();
      if (returnFocusTo?.isConnected) returnFocusTo.focus();
    };
    signal.addEventListener('abort', close, { once: true });
    // Keys typed in the panel stay in the panel: the page's shortcuts must not see them.
    for (const type of ['keydown', 'keyup', 'keypress'] as const) host.addEventListener(type, (e) => e.stopPropagation(), { signal });

    render(
      <I18nContext.Provider value={{ lang, dir: directionOf(lang), t }}>
        <ReplyPanel actions={actions} ticketId={ticketId} onClose={close} />
      </I18nContext.Provider>,
      mount,
    );
  }

  registerPanel({ open: (options) => void open(options) });
});
