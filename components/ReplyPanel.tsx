import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ReplyActions } from '@/utils/ui/connect';
import { useI18n } from './i18n-context';
import { ReplyForm } from './ReplyForm';

export interface ReplyPanelProps {
  actions: ReplyActions;
  ticketId: number;
  onClose(): void;
}

/** What the panel shows instead of the form when it cannot serve (an expired or foreign pass). */
export function PanelNotice({ text, onClose }: { text: string; onClose(): void }) {
  const { t } = useI18n();
  return (
    <section class="reply-panel" role="alert">
      <div class="reply-panel-head">
        <p>{text}</p>
        <button type="button" class="reply-panel-close" aria-label={t('panel_close')} title={t('panel_close')} onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
    </section>
  );
}

/** The inline panel on a dashboard page (inside its iframe): a non-modal dialog around the shared reply form. */
export function ReplyPanel({ actions, ticketId, onClose }: ReplyPanelProps) {
  const { t } = useI18n();
  const dialog = useRef<HTMLElement>(null);

  // The dialog holds focus until the form shows its message box, which then takes it (autoFocus). A layout effect,
  // so it runs in the first commit, before the one that shows the box, and never takes focus back from it.
  useLayoutEffect(() => {
    const root = dialog.current;
    if (root && !root.contains(document.activeElement)) root.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    // Esc closes the panel unless a picker inside the form used it first.
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onClose();
    }
  };

  return (
    <section ref={dialog} class="reply-panel" role="dialog" aria-labelledby="dqr-panel-title" tabIndex={-1} onKeyDown={onKeyDown}>
      {/* A div, not <header>: inside the page, a header here counts as a second banner landmark. */}
      <div class="reply-panel-head">
        <h2 id="dqr-panel-title">{t('panel_title', [ticketId])}</h2>
        <button type="button" class="reply-panel-close" aria-label={t('panel_close')} title={t('panel_close')} onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <ReplyForm actions={actions} ticketId={ticketId} autoFocus />
    </section>
  );
}
