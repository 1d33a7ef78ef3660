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

  useEffect(() => {
    first.current?.focus();
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
    <fieldset class="template-fill" onKeyDown={onKeyDown}>
      <legend class="label" dir="auto">
        {t('templates_fill_heading', [templateName])}
      </legend>
      {names.map((name, i) => (
        <div key={name} class="fill-field">
          <label for={`${base}-${i}`} dir="ltr">
            {name}
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
