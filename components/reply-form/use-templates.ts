import { useState } from 'preact/hooks';
import type { Template } from '@/utils/shared/messages';
import { findSlashQuery, insertRendered, type RenderedTemplate, renderTemplate, type TemplateValues } from '@/utils/ui/templates';
import type { LatestBox } from './use-attachments';

type Ref<T> = { current: T };

export interface TemplatesOptions {
  /** The form's latest text (ahead of a render). */
  latest: Ref<LatestBox>;
  boxRef: Ref<HTMLTextAreaElement | null>;
  /** What the form knows for `{{ticket.id}}` and friends, read when a template is chosen. */
  values(): TemplateValues;
  /** Puts the text in the Message box with the caret at `caret` and focus there; `save` stores the draft. */
  setText(text: string, caret: number, save: boolean): void;
}

/**
 * The reply form's templates: the `/` picker, a fill-in form for variables nothing can fill (Text Blaze forms),
 * insertion at the query, and the variables still left as `{{name}}` in the text.
 */
export function useTemplates({ latest, boxRef, values, setText }: TemplatesOptions) {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [picker, setPicker] = useState<{ start: number; query: string; active: number } | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  // A chosen template with variables nothing can fill: the fill-in fields wait for the agent before insertion.
  const [fill, setFill] = useState<{ template: Template; start: number; token: string; names: string[] } | null>(null);

  const matches = picker ? templates.filter((tpl) => tpl.name.toLowerCase().includes(picker.query.toLowerCase())) : [];

  /** The agent typed: a `/` query before the caret opens (or narrows) the picker. */
  function typed(value: string, caret: number) {
    const q = findSlashQuery(value, caret);
    setPicker(q && templates.length > 0 ? { ...q, active: 0 } : null);
  }

  function pick(tpl: Template) {
    if (!picker) return;
    const end = picker.start + 1 + picker.query.length;
    const rendered = renderTemplate(tpl.body, values());
    if (rendered.missing.length > 0) {
      // Asked before insertion (Text Blaze forms): the "/query" stays in the box until Insert replaces it.
      setPicker(null);
      setFill({ template: tpl, start: picker.start, token: latest.current.message.slice(picker.start, end), names: rendered.missing });
      return;
    }
    insertAt(picker.start, end, rendered);
  }

  /** Inserts the fill-in form's template with the agent's values where its "/query" was (or at the end). */
  function insertFilled(filled: Record<string, string>) {
    if (!fill) return;
    const current = latest.current.message;
    const here = current.slice(fill.start, fill.start + fill.token.length) === fill.token;
    const start = here ? fill.start : current.length;
    const end = here ? fill.start + fill.token.length : current.length;
    setFill(null);
    insertAt(start, end, renderTemplate(fill.template.body, values(), filled));
  }

  function cancelFill() {
    setFill(null);
    boxRef.current?.focus();
  }

  function insertAt(start: number, end: number, rendered: RenderedTemplate) {
    const next = insertRendered(latest.current.message, start, end, rendered);
    setMissing(rendered.missing);
    setPicker(null);
    setText(next.text, next.caret, true);
  }

  /** Opens the template list at the caret, as typing "/" would. */
  function open() {
    const message = latest.current.message;
    const box = boxRef.current;
    const at = box ? (box.selectionStart ?? message.length) : message.length;
    setText(`${message.slice(0, at)}/${message.slice(at)}`, at + 1, false);
    setPicker({ start: at, query: '', active: 0 });
  }

  /** The picker's own keys (arrows, Enter or Tab to insert, Esc to close); true when the key was one of them. */
  function onKey(e: KeyboardEvent): boolean {
    if (picker && matches.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const delta = e.key === 'ArrowDown' ? 1 : -1;
        setPicker({ ...picker, active: (picker.active + delta + matches.length) % matches.length });
        return true;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && !e.isComposing) {
        e.preventDefault();
        const tpl = matches[picker.active];
        if (tpl) pick(tpl);
        return true;
      }
    }
    if (picker && e.key === 'Escape') {
      e.preventDefault();
      setPicker(null);
      return true;
    }
    return false;
  }

  /** The variables a template left as `{{name}}` that are still in the text. */
  const stillMissing = (message: string) => missing.filter((name) => message.includes(`{{${name}`) || message.includes(`{{ ${name}`));

  return {
    templates,
    setTemplates,
    picker,
    setPicker,
    matches,
    fill,
    setMissing,
    stillMissing,
    typed,
    pick,
    insertFilled,
    cancelFill,
    open,
    onKey,
  };
}
