/**
 * Canned-reply rendering: `{{ticket.id}}`, `{{x | fallback}}` and `{{cursor}}`. Pure, so the
 * picker in the reply form and its tests share one implementation.
 */

export const TEMPLATE_VARIABLES = [
  'ticket.id',
  'ticket.reference',
  'ticket.subject',
  'customer.name',
  'agent.name',
  'agency.name',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | number | null | undefined>>;

export interface RenderedTemplate {
  text: string;
  /** Offset of `{{cursor}}` in `text`, or null when the template has none. */
  cursor: number | null;
  /** Variables without a value or fallback; they stay in the text as written so the agent sees them. */
  missing: string[];
}

const TOKEN = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

function unquote(s: string): string {
  const m = /^(["'])(.*)\1$/s.exec(s);
  return m ? m[2]! : s;
}

/**
 * Renders a template body with the given values. Unknown or empty variables count as missing, unless `fills` (what
 * the agent typed into the fill-in fields, by variable name) has a non-blank value for them.
 */
export function renderTemplate(body: string, values: TemplateValues, fills: Readonly<Record<string, string>> = {}): RenderedTemplate {
  const missing: string[] = [];
  let cursor: number | null = null;
  let text = '';
  let last = 0;
  for (const match of body.matchAll(TOKEN)) {
    const [whole, rawName = '', fallback] = match;
    const index = match.index ?? 0;
    text += body.slice(last, index);
    last = index + whole.length;
    const name = rawName.trim();
    if (name === 'cursor') {
      if (cursor === null) cursor = text.length;
      continue;
    }
    const value = (TEMPLATE_VARIABLES as readonly string[]).includes(name) ? values[name as TemplateVariable] : undefined;
    const known = value === null || value === undefined ? '' : String(value).trim();
    const str = known !== '' ? known : Object.hasOwn(fills, name) ? (fills[name] ?? '').trim() : '';
    if (str !== '') text += str;
    else if (fallback !== undefined) text += unquote(fallback);
    else {
      if (!missing.includes(name)) missing.push(name);
      text += whole;
    }
  }
  text += body.slice(last);
  return { text, cursor, missing };
}

/** Where a `/` picker query starts: a `/` at the start of the text or after whitespace, before the caret. */
export function findSlashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([^\s/]{0,40})$/.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

/** Replaces `text[start, end)` with a rendered template and returns the new text and caret. */
export function insertRendered(text: string, start: number, end: number, rendered: RenderedTemplate): { text: string; caret: number } {
  const next = text.slice(0, start) + rendered.text + text.slice(end);
  const caret = start + (rendered.cursor ?? rendered.text.length);
  return { text: next, caret };
}
