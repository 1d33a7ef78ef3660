import { useEffect, useRef, useState } from 'preact/hooks';
import type { DetectionConfig } from '@/utils/shared/messages';
import type { Result } from '@/utils/ui/connect';
import { useI18n } from './i18n-context';
import { useSaveAsTyped } from './options/shared';

export interface DetectionSettingsProps {
  value: DetectionConfig;
  onSave(config: DetectionConfig): Promise<Result<unknown>>;
  describeError(error: Extract<Result<unknown>, { ok: false }>['error']): string;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Checked here so the agent learns at once, before anything is stored; nothing typed is lost. */
function problems(urlPatterns: string[], selectors: string[]): { patterns?: string; selectors?: string } {
  const out: { patterns?: string; selectors?: string } = {};
  const badPattern = urlPatterns.find((p) => !p.includes('{id}'));
  if (badPattern) out.patterns = badPattern;
  const badSelector = selectors.find((s) => {
    try {
      document.createDocumentFragment().querySelector(s);
      return false;
    } catch {
      return true;
    }
  });
  if (badSelector) out.selectors = badSelector;
  return out;
}

/** A one-entry-per-line box (patterns and selectors are code: left to right) with its problem below it. */
function LinesField(props: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  onInput(value: string): void;
  onChange(): void;
  problem: string;
}) {
  const errorId = `${props.id}-error`;
  return (
    <>
      <label>
        {props.label}
        <textarea
          dir="ltr"
          rows={3}
          spellcheck={false}
          placeholder={props.placeholder}
          value={props.value}
          aria-invalid={props.problem !== ''}
          aria-describedby={errorId}
          onInput={(ev) => props.onInput(ev.currentTarget.value)}
          onChange={props.onChange}
        />
      </label>
      <p id={errorId} class="problem">
        {props.problem}
      </p>
    </>
  );
}

/**
 * The agency's own ticket URL patterns and selectors, beside the built-in detection. Saved as made: after a pause
 * in typing, when a box loses focus after a change, and when the page closes. Patterns are code: half-typed lines
 * are not flagged while typing (a quiet save stores only valid lines), only once the box loses focus.
 */
export function DetectionSettings({ value, onSave, describeError }: DetectionSettingsProps) {
  const { t } = useI18n();
  const [patterns, setPatterns] = useState(value.urlPatterns.join('\n'));
  const [selectors, setSelectors] = useState(value.selectors.join('\n'));
  const [errors, setErrors] = useState<{ patterns?: string; selectors?: string }>({});
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const latest = useRef({ patterns, selectors });
  latest.current = { patterns, selectors };
  // Counts edits, so "Saved" is said only when what is shown is what was stored.
  const edits = useRef(0);
  const savedAt = useRef(0);

  // Follow the stored value when it changes (a save, a reload), never over what is being typed.
  const stored = `${value.urlPatterns.join('\n')}\u0000${value.selectors.join('\n')}`;
  const lastStored = useRef(stored);
  useEffect(() => {
    if (stored === lastStored.current) return;
    lastStored.current = stored;
    // Typed since the last save: that text wins, and the next save stores it.
    if (edits.current !== savedAt.current) return;
    setPatterns(value.urlPatterns.join('\n'));
    setSelectors(value.selectors.join('\n'));
  }, [stored]);

  function edit(set: (value: string) => void, key: 'patterns' | 'selectors', typed: () => void) {
    return (value: string) => {
      edits.current++;
      latest.current = { ...latest.current, [key]: value };
      set(value);
      setResult(null);
      typed();
    };
  }

  async function save(quiet = false) {
    const at = edits.current;
    const config = { urlPatterns: lines(latest.current.patterns), selectors: lines(latest.current.selectors) };
    const found = problems(config.urlPatterns, config.selectors);
    if (quiet && (found.patterns || found.selectors)) return;
    savedAt.current = at;
    setErrors(found);
    if (found.patterns || found.selectors) {
      setResult({ ok: false, text: t('detection_not_saved') });
      return;
    }
    const reply = await onSave(config);
    if (reply.ok && at !== edits.current) return;
    setResult(reply.ok ? { ok: true, text: t('detection_saved') } : { ok: false, text: describeError(reply.error) });
  }

  const asTyped = useSaveAsTyped((quiet) => void save(quiet));

  return (
    <section aria-labelledby="detection-heading">
      <h2 id="detection-heading">{t('section_detection')}</h2>
      <p class="hint">{t('detection_hint')}</p>
      <div class="stack">
        <LinesField
          id="detection-patterns"
          label={t('detection_patterns_label')}
          placeholder="/support/case/{id}"
          value={patterns}
          onInput={edit(setPatterns, 'patterns', asTyped.typed)}
          onChange={asTyped.now}
          problem={errors.patterns ? t('detection_pattern_invalid', [errors.patterns]) : ''}
        />
        <LinesField
          id="detection-selectors"
          label={t('detection_selectors_label')}
          placeholder=".case-number"
          value={selectors}
          onInput={edit(setSelectors, 'selectors', asTyped.typed)}
          onChange={asTyped.now}
          problem={errors.selectors ? t('detection_selector_invalid', [errors.selectors]) : ''}
        />
        <p class={result?.ok === false ? 'problem' : 'hint'} role="status">
          {result?.text ?? ''}
        </p>
      </div>
    </section>
  );
}
