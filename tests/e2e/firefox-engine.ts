/**
 * The in-page half of the Firefox driver: finds elements as Playwright's locators do (role and accessible name,
 * text, label, CSS, XPath; through open shadow roots), so the same test code finds the same controls in both
 * browsers. Kept as plain JavaScript source: it is evaluated in the page (or frame) for each query, never
 * installed as a global the page could see.
 */
export type Matcher = { exact?: boolean } & ({ text: string } | { source: string; flags: string });
export type Step =
  | { kind: 'css'; selector: string }
  | { kind: 'xpath'; expression: string }
  | { kind: 'role'; role: string; name?: Matcher; checked?: boolean; includeHidden?: boolean }
  | { kind: 'text'; text: Matcher }
  | { kind: 'label'; text: Matcher }
  | { kind: 'nth'; index: number };

export function toMatcher(value: string | RegExp, exact?: boolean): Matcher {
  return typeof value === 'string' ? { text: value, exact: !!exact } : { source: value.source, flags: value.flags };
}

export const ENGINE = String.raw`(steps) => {
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const matches = (m, value) => {
    const v = norm(value);
    if ('source' in m) return new RegExp(m.source, m.flags).test(v);
    return m.exact ? v === norm(m.text) : v.toLowerCase().includes(norm(m.text).toLowerCase());
  };
  const deep = (root) => {
    const out = [];
    const visit = (node) => {
      for (const child of node.children || []) {
        out.push(child);
        if (child.shadowRoot) visit(child.shadowRoot);
        visit(child);
      }
    };
    if (root.shadowRoot) visit(root.shadowRoot);
    visit(root);
    return out;
  };
  const parentOf = (el) => el.parentElement || (el.parentNode && el.parentNode.host) || null;
  const hiddenForA11y = (el) => {
    for (let e = el; e; e = parentOf(e)) {
      if (e.getAttribute('aria-hidden') === 'true' || e.hidden) return true;
      const style = getComputedStyle(e);
      if (style.display === 'none') return true;
    }
    return getComputedStyle(el).visibility === 'hidden';
  };
  const INPUT_ROLES = { button: 'button', submit: 'button', reset: 'button', image: 'button', checkbox: 'checkbox', radio: 'radio',
    range: 'slider', number: 'spinbutton', search: 'searchbox', text: 'textbox', email: 'textbox', tel: 'textbox', url: 'textbox', '': 'textbox' };
  const roleOf = (el) => {
    const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    const tag = el.localName;
    switch (tag) {
      case 'a': case 'area': return el.hasAttribute('href') ? 'link' : null;
      case 'button': return 'button';
      case 'input': { const t = (el.getAttribute('type') || '').toLowerCase(); return t in INPUT_ROLES ? INPUT_ROLES[t] : null; }
      case 'textarea': return 'textbox';
      case 'select': return el.multiple || el.size > 1 ? 'listbox' : 'combobox';
      case 'option': return 'option';
      case 'ul': case 'ol': case 'menu': return 'list';
      case 'li': return 'listitem';
      case 'table': return 'table';
      case 'tr': return 'row';
      case 'td': return 'cell';
      case 'th': return 'columnheader';
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': return 'heading';
      case 'dialog': return 'dialog';
      case 'form': return nameOf(el) ? 'form' : null;
      case 'fieldset': return 'group';
      case 'section': return nameOf(el) ? 'region' : null;
      case 'main': return 'main';
      case 'nav': return 'navigation';
      case 'img': return el.getAttribute('alt') === '' ? 'presentation' : 'img';
      case 'output': return 'status';
      case 'progress': return 'progressbar';
      case 'article': return 'article';
      case 'aside': return 'complementary';
      case 'hr': return 'separator';
      default: return null;
    }
  };
  const FROM_CONTENT = new Set(['button', 'link', 'heading', 'option', 'cell', 'columnheader', 'rowheader', 'row', 'tab', 'checkbox',
    'radio', 'switch', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'treeitem', 'tooltip', 'listitem']);
  const textFrom = (node, skip) => {
    let out = '';
    for (const child of node.childNodes) {
      if (child.nodeType === 3) out += child.textContent;
      else if (child.nodeType === 1 && child !== skip) {
        if (child.getAttribute('aria-hidden') === 'true' || child.hidden || getComputedStyle(child).display === 'none') continue;
        if (['script', 'style', 'template'].includes(child.localName)) continue;
        const label = child.getAttribute('aria-label');
        if (label && label.trim()) out += ' ' + label + ' ';
        else if (child.localName === 'img') out += ' ' + (child.getAttribute('alt') || '') + ' ';
        else if (['input', 'textarea', 'select'].includes(child.localName)) continue;
        else {
          const block = getComputedStyle(child).display;
          const sep = block === 'inline' ? '' : ' ';
          out += sep + textFrom(child.shadowRoot || child, skip) + sep;
        }
      }
    }
    return out;
  };
  function nameOf(el) {
    const labelledby = el.getAttribute('aria-labelledby');
    if (labelledby) {
      const root = el.getRootNode();
      const text = labelledby.split(/\s+/).map((id) => { const t = root.getElementById ? root.getElementById(id) : document.getElementById(id); return t ? textFrom(t) : ''; }).join(' ');
      if (norm(text)) return norm(text);
    }
    const label = el.getAttribute('aria-label');
    if (label && label.trim()) return norm(label);
    const tag = el.localName;
    if (['input', 'textarea', 'select'].includes(tag)) {
      const t = (el.getAttribute('type') || '').toLowerCase();
      if (tag === 'input' && ['button', 'submit', 'reset'].includes(t)) return norm(el.value || '');
      const labels = el.labels ? [...el.labels].map((l) => textFrom(l, el)).join(' ') : '';
      if (norm(labels)) return norm(labels);
      return norm(el.getAttribute('title') || el.getAttribute('placeholder') || '');
    }
    if (tag === 'fieldset') { const legend = el.querySelector(':scope > legend'); if (legend) return norm(textFrom(legend)); }
    if (tag === 'img') return norm(el.getAttribute('alt') || el.getAttribute('title') || '');
    if (tag === 'table') { const caption = el.querySelector(':scope > caption'); if (caption) return norm(textFrom(caption)); }
    const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
    const role = explicit || ({ a: 'link', button: 'button', option: 'option', td: 'cell', th: 'columnheader', tr: 'row', li: 'listitem' })[tag] || (/^h[1-6]$/.test(tag) ? 'heading' : '');
    if (FROM_CONTENT.has(role)) { const text = norm(textFrom(el.shadowRoot || el)); if (text) return text; }
    return norm(el.getAttribute('title') || '');
  }
  const checkedOf = (el) => {
    const aria = el.getAttribute('aria-checked');
    if (aria === 'true') return true;
    if (aria === 'false') return false;
    return el.checked === true;
  };
  const ownText = (el) => norm(el.shadowRoot ? el.shadowRoot.textContent : el.textContent);
  const labelsOf = (el) => {
    const out = [];
    const l = el.getAttribute('aria-label');
    if (l) out.push(l);
    const by = el.getAttribute('aria-labelledby');
    if (by) out.push(by.split(/\s+/).map((id) => { const t = document.getElementById(id); return t ? textFrom(t) : ''; }).join(' '));
    if (el.labels) for (const label of el.labels) out.push(textFrom(label, el));
    return out;
  };
  let current = [document];
  for (const step of steps) {
    if (step.kind === 'nth') {
      const i = step.index < 0 ? current.length + step.index : step.index;
      current = current[i] ? [current[i]] : [];
      continue;
    }
    const found = [];
    const seen = new Set();
    const add = (el) => { if (!seen.has(el)) { seen.add(el); found.push(el); } };
    for (const scope of current) {
      if (step.kind === 'xpath') {
        const result = document.evaluate(step.expression, scope, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        for (let i = 0; i < result.snapshotLength; i++) { const n = result.snapshotItem(i); if (n && n.nodeType === 1) add(n); }
        continue;
      }
      const all = deep(scope);
      for (const el of all) {
        if (step.kind === 'css') { if (el.matches(step.selector)) add(el); }
        else if (step.kind === 'role') {
          if (roleOf(el) !== step.role) continue;
          if (!step.includeHidden && hiddenForA11y(el)) continue;
          if (step.name && !matches(step.name, nameOf(el))) continue;
          if (step.checked !== undefined && checkedOf(el) !== step.checked) continue;
          add(el);
        } else if (step.kind === 'text') {
          if (['script', 'style', 'template', 'head', 'title'].includes(el.localName)) continue;
          if (!matches(step.text, ownText(el))) continue;
          if ([...el.children].some((c) => !['script', 'style'].includes(c.localName) && matches(step.text, ownText(c)))) continue;
          add(el);
        } else if (step.kind === 'label') {
          if (!['input', 'textarea', 'select', 'button'].includes(el.localName) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) continue;
          if (labelsOf(el).some((l) => matches(step.text, l))) add(el);
        }
      }
    }
    current = found;
  }
  return current.filter((el) => el !== document);
}`;
