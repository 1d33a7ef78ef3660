import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Template } from '@/utils/shared/messages';
import type { OptionsActions } from '@/utils/ui/connect';
import { useOptionsText, useSaveAsTyped } from './shared';

export interface TemplatesSectionProps {
  actions: Pick<OptionsActions, 'saveTemplates'>;
  /** The stored list once loaded; shown from then on. */
  loaded: Template[] | null;
}

const newId = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `t${Date.now()}${Math.random()}`);

export function TemplatesSection({ actions, loaded }: TemplatesSectionProps) {
  const { t, e } = useOptionsText();
  const [templates, setTemplatesState] = useState<Template[]>([]);
  const [templatesResult, setTemplatesResult] = useState<{ ok: boolean; text: string } | null>(null);
  // Templates are saved as made (a pause in typing, a field losing focus, the page closing, a delete): the latest
  // list, and an edit count
  // so "Saved" is said only when what is shown is what was stored.
  const latestTemplates = useRef<Template[]>([]);
  const templateEdits = useRef(0);
  const templateSaves = useRef<Promise<unknown>>(Promise.resolve());
  function setTemplates(next: Template[]) {
    latestTemplates.current = next;
    setTemplatesState(next);
  }

  useLayoutEffect(() => {
    if (loaded) setTemplates(loaded);
  }, [loaded]);

  function editTemplates(next: Template[]) {
    templateEdits.current++;
    setTemplates(next);
    setTemplatesResult(null);
  }

  function editTemplate(id: string, patch: Partial<Template>) {
    editTemplates(latestTemplates.current.map((tpl) => (tpl.id === id ? { ...tpl, ...patch } : tpl)));
  }

  /**
   * Stores the list as shown, one save after another. A template just added and still blank is not stored yet;
   * while one is half filled nothing is stored (a cleared text must not delete a stored template), and the note says so.
   */
  function saveTemplates(quiet = false) {
    const at = templateEdits.current;
    const list = latestTemplates.current.filter((tpl) => tpl.name.trim() !== '' || tpl.body.trim() !== '');
    if (list.some((tpl) => tpl.name.trim() === '' || tpl.body.trim() === '')) {
      // While typing, a template with only its name so far is not a problem yet.
      if (!quiet) setTemplatesResult({ ok: false, text: t('templates_incomplete') });
      return;
    }
    templateSaves.current = templateSaves.current.then(async () => {
      const r = await actions.saveTemplates(list.map((tpl) => ({ ...tpl, name: tpl.name.trim() })));
      if (r.ok && at !== templateEdits.current) return;
      setTemplatesResult(r.ok ? { ok: true, text: t('saved_note') } : { ok: false, text: e(r.error) });
    });
  }

  const asTyped = useSaveAsTyped(saveTemplates);

  return (
    <section id="templates" aria-labelledby="templates-heading">
      <h2 id="templates-heading">{t('section_templates')}</h2>
      <p class="hint">{t('templates_help')}</p>
      <p class="hint" dir="ltr">
        {
          '{{ticket.id}} {{ticket.reference}} {{ticket.subject}} {{customer.name}} {{agent.name}} {{agency.name}} {{x | fallback}} {{cursor}}'
        }
      </p>
      {templates.length === 0 && <p class="hint">{t('templates_empty')}</p>}
      {templates.map((tpl, i) => (
        <fieldset key={tpl.id} class="template">
          <legend>{t('template_legend', [i + 1])}</legend>
          <label>
            {t('template_name')}
            <input
              type="text"
              dir="auto"
              value={tpl.name}
              onInput={(ev) => {
                editTemplate(tpl.id, { name: ev.currentTarget.value });
                asTyped.typed();
              }}
              onChange={asTyped.now}
            />
          </label>
          <label>
            {t('template_body')}
            <textarea
              dir="auto"
              rows={4}
              value={tpl.body}
              onInput={(ev) => {
                editTemplate(tpl.id, { body: ev.currentTarget.value });
                asTyped.typed();
              }}
              onChange={asTyped.now}
            />
          </label>
          <button
            type="button"
            class="link"
            onClick={() => {
              editTemplates(latestTemplates.current.filter((x) => x.id !== tpl.id));
              asTyped.now();
            }}
          >
            {t('template_delete', [tpl.name || String(i + 1)])}
          </button>
        </fieldset>
      ))}
      <div class="row">
        <button type="button" onClick={() => editTemplates([...latestTemplates.current, { id: newId(), name: '', body: '' }])}>
          {t('template_add')}
        </button>
        <span role="status" class={templatesResult?.ok === false ? 'problem' : 'hint'}>
          {templatesResult?.text ?? ''}
        </span>
      </div>
    </section>
  );
}
