import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n-context';

export interface TemplateFillProps {
  /** The template's name, shown in the heading. */
  templateName: string;
  /** The variables the form could not fill, in the order the template uses them. */
  names: string[];
  /** The agent's values by variable name; blank ones stay in the text as written. */
  onInsert(values: Record<string, string>): void;
  onCancel(): void;
}

let uid = 0;

/**
 * A small inline form (Text Blaze style) for a template's variables that have no value and no fallback: one
 * labelled textbox per variable, Enter inserts, Esc cancels. It sits inside the compose form, so it is a group of
 * fieldset rather than a nested <form>; the caller returns focus to the Message box.
 */
export function TemplateFill({ templateName, names, onInsert, onCancel }: TemplateFillProps) {
  const { t } = useI18n();
  const base = useMemo(() => `tf${++uid}`, []);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(names.map((n) => [n, ''])));
  const first = useRef<HTMLInputElement>(null);
  const group = useRef<HTMLFieldSetElement>(null);
  // The name isolated (a span with dir): a Latin name inside the Arabic heading (or the reverse) must not reorder its
  // words. Split around a private-use mark (the browser's getMessage drops a NUL, so that cannot be the mark).
  const heading = t('templates_fill_heading', ['\ue000']).split('\ue000');

  useEffect(() => {
    first.current?.focus();
    // Focus scrolls only the first field into view; in a 600 px popup the form opens at the bottom edge, with
    // Insert and Cancel cut off below it. The whole form is brought in (it is shorter than the popup).
    group.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);

  function onKeyDown(e: KeyboardEvent) {
    if (e.isComposing) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      onInsert(values);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  }

  return (
    <fieldset ref={group} class="template-fill" onKeyDown={onKeyDown}>
      <legend class="label" dir="auto">
        {heading[0]}
        <span dir="auto">{templateName}</span>
        {heading[1]}
      </legend>
      {names.map((name, i) => (
        <div key={name} class="fill-field">
          {/* The variable's name is code (left to right), but the label keeps the form's side: in Arabic it stood
              at the left edge, apart from its field's start. */}
          <label for={`${base}-${i}`}>
            <span dir="ltr">{name}</span>
          </label>
          <input
            id={`${base}-${i}`}
            ref={i === 0 ? first : undefined}
            type="text"
            dir="auto"
            value={values[name] ?? ''}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setValues((v) => ({ ...v, [name]: value }));
            }}
          />
        </div>
      ))}
      <div class="row">
        <button type="button" class="primary" onClick={() => onInsert(values)}>
          {t('templates_fill_insert')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </fieldset>
  );
}
