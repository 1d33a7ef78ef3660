import type { ComponentChildren } from 'preact';

export interface StatusAreaProps {
  /** Class suffix for the colour: an outbox state, `problem`, `sending`, or `idle`. */
  kind: string;
  text: string;
  /** A failure: its text is also an alert, so it interrupts instead of waiting its turn. */
  alert: boolean;
  /** At most the actions that answer this one message (Retry now / Cancel, Sign in, Undo send). */
  children?: ComponentChildren;
}

/**
 * The form's one place for news about the reply. The polite status region always exists so that tests and screen
 * readers find it in the same place; a failure puts its one sentence inside an alert within it rather than in a
 * second box elsewhere, so nothing is said twice.
 */
export function StatusArea({ kind, text, alert, children }: StatusAreaProps) {
  return (
    <div class={`status-area${text ? ' shown' : ''}`}>
      <div role="status" aria-live="polite" class={`status status-${kind}`}>
        {alert && text ? (
          <p role="alert" class="alert-text">
            {text}
          </p>
        ) : (
          text
        )}
      </div>
      {children && <div class="row status-actions">{children}</div>}
    </div>
  );
}
