/**
 * The demo agency dashboard: plain server-rendered HTML (every interpolated value escaped), one stylesheet, and
 * one script for the SPA page only. No authentication: it is a fixture for detection and injection tests.
 */
import { readFileSync } from 'node:fs';
import { ticketDetail, ticketSummary, type SandboxState, type StoredTicket } from './state';
import { ticketReference } from './seed';

export interface PageReply {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

const ASSETS: Record<string, { file: string; type: string }> = {
  '/dashboard/assets/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard/assets/spa.js': { file: 'spa.js', type: 'text/javascript; charset=utf-8' },
};
const assetCache = new Map<string, Uint8Array>();
function asset(file: string): Uint8Array {
  let bytes = assetCache.get(file);
  if (!bytes) {
    bytes = readFileSync(new URL(`./assets/${file}`, import.meta.url));
    assetCache.set(file, bytes);
  }
  return bytes;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

const STATUS_LABELS: Record<string, string> = { open: 'Open', in_progress: 'In progress', resolved: 'Resolved', closed: 'Closed' };

// `data-status` is the marking the extension reads to leave the Reply pill off a closed ticket (README, Security model).
function badge(status: string): string {
  return `<span class="badge badge-${escapeHtml(status)}" data-status="${escapeHtml(status)}">${escapeHtml(STATUS_LABELS[status] ?? status)}</span>`;
}

function langAttr(ticket: StoredTicket): string {
  return ticket.lang ? ` lang="${ticket.lang}"` : '';
}

function layout(title: string, main: string, options: { script?: string; nav?: boolean } = {}): string {
  const script = options.script ? `\n<script src="${escapeHtml(options.script)}" defer></script>` : '';
  const nav =
    options.nav === false
      ? ''
      : `<nav class="topnav" aria-label="Dashboard"><a href="/dashboard/tickets">Tickets</a><a href="/dashboard/spa">SPA</a><a href="/dashboard/hostile">Hostile fixture</a><a href="/dashboard/big?rows=1000">Big table</a></nav>`;
  return `<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo Car Sharing · Daakey sandbox</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">${script}
</head>
<body>
<header class="masthead"><span class="brand">Demo Car Sharing</span><span class="env">Daakey sandbox</span>${nav}</header>
<main id="main">
${main}
</main>
</body>
</html>
`;
}

function ticketRow(ticket: StoredTicket): string {
  return `<tr data-ticket-id="${ticket.id}">
<td class="ref"><a href="/dashboard/tickets/${ticket.id}">${escapeHtml(ticket.reference)}</a></td>
<td class="subject"><a href="/dashboard/tickets/${ticket.id}" dir="auto"${langAttr(ticket)}>${escapeHtml(ticket.subject)}</a></td>
<td class="status">${badge(ticket.status)}</td>
<td class="priority">${escapeHtml(ticket.priority)}</td>
<td class="updated"><time datetime="${escapeHtml(ticketSummary(ticket).last_message_at ?? ticket.created_at)}">${escapeHtml((ticketSummary(ticket).last_message_at ?? ticket.created_at).slice(0, 10))}</time></td>
</tr>`;
}

const TABLE_HEAD = `<thead><tr><th scope="col">Reference</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Updated</th></tr></thead>`;

export function ticketsPage(state: SandboxState): string {
  const rows = [...state.tickets.values()]
    .sort((a, b) => a.id - b.id)
    .map(ticketRow)
    .join('\n');
  return layout(
    'Tickets',
    `<h1>Support tickets</h1>
<table class="tickets">
${TABLE_HEAD}
<tbody>
${rows}
</tbody>
</table>`,
  );
}

/**
 * A page that names tickets only by their Daakey reference (no IDs, no links), as an e-mail digest
 * or a third-party CRM would: the extension must resolve references through the API.
 */
export function inboxPage(state: SandboxState): string {
  const items = [...state.tickets.values()]
    .filter((t) => t.status !== 'closed')
    .sort((a, b) => a.id - b.id)
    .map(
      (t) =>
        `<li class="digest-item"><span class="ref">${escapeHtml(t.reference)}</span> <span dir="auto"${langAttr(t)}>${escapeHtml(t.subject)}</span></li>`,
    )
    .join('\n');
  return layout('Digest', `<h1>Today's digest</h1>\n<ul class="digest">\n${items}\n</ul>`);
}

/**
 * A dashboard with its own conventions that built-in detection must not guess: bare case numbers in
 * `.case-no` cells and `/support/case/<id>` links. An agency teaches them in the options page.
 */
export function customPage(state: SandboxState): string {
  const items = [...state.tickets.values()]
    .filter((t) => t.id <= 4)
    .map((t) => `<li class="case"><span class="case-no">${t.id}</span> <span dir="auto"${langAttr(t)}>${escapeHtml(t.subject)}</span></li>`)
    .join('\n');
  return layout('Cases', `<h1>Open cases</h1>\n<ul class="cases">\n${items}\n</ul>\n<p><a href="/support/case/6">Escalated case</a></p>`);
}

export function ticketPage(ticket: StoredTicket): string {
  const messages = ticket.messages
    .map(
      (m) => `<li class="message message-${escapeHtml(m.sender)}" data-message-id="${m.id}">
<div class="message-meta"><span class="sender" dir="auto">${escapeHtml(m.sender_name)}</span> <time datetime="${escapeHtml(m.created_at)}">${escapeHtml(m.created_at.replace('T', ' ').replace('Z', ' UTC'))}</time></div>
<p class="message-body" dir="auto"${langAttr(ticket)}>${escapeHtml(m.message)}</p>${
        m.attachments.length > 0
          ? `\n<ul class="attachments">${m.attachments.map((url) => `<li><a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(url)}</a></li>`).join('')}</ul>`
          : ''
      }
</li>`,
    )
    .join('\n');
  return layout(
    `Ticket #${ticket.id}`,
    `<article class="ticket" data-ticket-id="${ticket.id}">
<p class="back"><a href="/dashboard/tickets">← All tickets</a></p>
<h1>Ticket #${ticket.id}</h1>
<dl class="ticket-facts">
<dt>Reference</dt><dd class="ref">${escapeHtml(ticket.reference)}</dd>
<dt>Subject</dt><dd class="subject" dir="auto"${langAttr(ticket)}>${escapeHtml(ticket.subject)}</dd>
<dt>Status</dt><dd class="status">${badge(ticket.status)}</dd>
<dt>Priority</dt><dd>${escapeHtml(ticket.priority)}</dd>
<dt>Category</dt><dd>${escapeHtml(ticket.category)}</dd>
</dl>
<h2>Messages</h2>
<ol class="messages">
${messages}
</ol>
</article>`,
  );
}

export function notFoundPage(): string {
  return layout('Not found', '<h1>Not found</h1><p><a href="/dashboard/tickets">All tickets</a></p>');
}

export function spaShell(): string {
  return layout(
    'SPA',
    `<h1 id="spa-title">Tickets (SPA)</h1>
<p class="hint">Navigates with history.pushState (<code>/dashboard/spa/tickets/&lt;id&gt;</code>) and hash routes (<code>#/tickets/&lt;id&gt;</code>).</p>
<div id="spa-root" aria-live="polite">Loading…</div>`,
    { script: '/dashboard/assets/spa.js' },
  );
}

export const HOSTILE_MARKUP = '<img src=x onerror="window.__pwned=1">';
const RLO = '\u202E';

/**
 * Hostile fixture: every string below is escaped, so the browser shows it as text. It lists tickets #1 and #2
 * legitimately, then rows whose text is hostile, one element whose `data-ticket-id` value is itself hostile,
 * and a huge string (`?bytes=`, default 1 MB, at most 10 MB).
 */
export function hostilePage(state: SandboxState, bigBytes: number): string {
  const legit = [1, 2].map((id) => state.tickets.get(id)).filter((x): x is StoredTicket => x !== undefined);
  const big = 'A'.repeat(Math.max(0, bigBytes - 20)) + ' TK-0000-99999 #99999';
  const hostileRows: Array<{ id: number; subject: string }> = [
    { id: 4, subject: `${HOSTILE_MARKUP} Scratches` },
    { id: 5, subject: `</style><style>body{display:none}</style> Recharge` },
    { id: 6, subject: `${RLO}gnp.exe ${RLO}Ticket #6 reversed` },
    { id: 7, subject: `"><script>window.__pwned=1</script>` },
    { id: 8, subject: big },
  ];
  const rows = [
    ...legit.map(ticketRow),
    ...hostileRows.map(
      (r) => `<tr data-ticket-id="${r.id}" class="hostile">
<td class="ref"><a href="/dashboard/tickets/${r.id}">${escapeHtml(ticketReference(r.id))}</a></td>
<td class="subject" dir="auto">${escapeHtml(r.subject)}</td>
<td class="status">${badge('open')}</td><td class="priority">normal</td><td class="updated"></td>
</tr>`,
    ),
  ].join('\n');
  return layout(
    'Hostile fixture',
    `<h1>Hostile fixture</h1>
<p class="hint">Ticket subjects here contain markup, <code>&lt;/style&gt;</code>, RTL overrides and a ${escapeHtml(bigBytes)}-byte string. All of it must stay text.</p>
<table class="tickets">
${TABLE_HEAD}
<tbody>
${rows}
</tbody>
</table>
<div class="raw-hostile" data-ticket-id="3" title="${escapeHtml(HOSTILE_MARKUP)}">${escapeHtml(HOSTILE_MARKUP)} ${escapeHtml('</style>')} ${RLO}3# tekciT</div>
<div class="raw-hostile" data-ticket-id="${escapeHtml(`9" onmouseover="window.__pwned=1`)}">${escapeHtml('data-ticket-id value is not a number')}</div>
<div class="raw-hostile" data-ticket-id="-1">negative id</div>
<div class="raw-hostile" data-ticket-id="1e3">exponent id</div>`,
    { nav: false },
  );
}

const NOISE_COLOURS = ['#FF0000', '#00AA55', '#1E90FF', '#333333'];

/** `rows` ticket rows (ids 1..N) plus cells of look-alike noise: prices, phone numbers, encodings, colours, dates. */
export function bigPage(rows: number): string {
  const parts: string[] = [];
  for (let id = 1; id <= rows; id++) {
    const day = String((id % 28) + 1).padStart(2, '0');
    parts.push(
      `<tr data-ticket-id="${id}"><td class="ref"><a href="/dashboard/tickets/${id}">${ticketReference(id)}</a></td><td class="subject">Ticket ${id} subject</td><td>€${(id % 97) + 4}.00</td><td>+33 6 ${String(id % 100).padStart(2, '0')} 34 56 78</td><td>UTF-8</td><td>${NOISE_COLOURS[id % NOISE_COLOURS.length]}</td><td>2026-01-${day}</td><td>BK-${40000 + id}</td></tr>`,
    );
  }
  return layout(
    `Big table (${rows} rows)`,
    `<h1>Big table: ${rows} rows</h1>
<table class="tickets big">
<thead><tr><th scope="col">Reference</th><th scope="col">Subject</th><th scope="col">Price</th><th scope="col">Phone</th><th scope="col">Encoding</th><th scope="col">Colour</th><th scope="col">Date</th><th scope="col">Booking</th></tr></thead>
<tbody>
${parts.join('\n')}
</tbody>
</table>`,
    { nav: false },
  );
}

const html = (status: number, body: string): PageReply => ({ status, contentType: 'text/html; charset=utf-8', body });
const json = (status: number, value: unknown): PageReply => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
});

function intParam(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}

/** Dashboard routes (GET/HEAD only); `undefined` when the path is not the dashboard's. */
export function handleDashboard(state: SandboxState, method: string, url: URL): PageReply | undefined {
  const path = url.pathname;
  if (path === '/') return { status: 302, contentType: 'text/plain; charset=utf-8', body: '', headers: { Location: '/dashboard/tickets' } };
  if (!path.startsWith('/dashboard')) return undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, contentType: 'text/plain; charset=utf-8', body: 'Method not allowed', headers: { Allow: 'GET, HEAD' } };
  }
  const assetEntry = ASSETS[path];
  if (assetEntry)
    return { status: 200, contentType: assetEntry.type, body: asset(assetEntry.file), headers: { 'Cache-Control': 'no-cache' } };
  if (path === '/dashboard' || path === '/dashboard/') {
    return { status: 302, contentType: 'text/plain; charset=utf-8', body: '', headers: { Location: '/dashboard/tickets' } };
  }
  if (path === '/dashboard/tickets') return html(200, ticketsPage(state));
  if (path === '/dashboard/inbox') return html(200, inboxPage(state));
  if (path === '/dashboard/custom') return html(200, customPage(state));
  const detail = /^\/dashboard\/tickets\/([1-9]\d{0,9})$/.exec(path);
  if (detail) {
    const ticket = state.tickets.get(Number(detail[1]));
    return ticket ? html(200, ticketPage(ticket)) : html(404, notFoundPage());
  }
  if (path === '/dashboard/spa' || /^\/dashboard\/spa\/tickets\/[^/]+$/.test(path)) return html(200, spaShell());
  if (path === '/dashboard/hostile')
    return html(200, hostilePage(state, intParam(url.searchParams.get('bytes'), 1_000_000, 0, 10_000_000)));
  if (path === '/dashboard/big') return html(200, bigPage(intParam(url.searchParams.get('rows'), 1000, 0, 100_000)));
  // JSON for the SPA page (same data as the pages; no auth, like the pages).
  if (path === '/dashboard/data/tickets') {
    return json(
      200,
      [...state.tickets.values()].sort((a, b) => a.id - b.id).map((t) => ({ ...ticketSummary(t), lang: t.lang })),
    );
  }
  const data = /^\/dashboard\/data\/tickets\/([1-9]\d{0,9})$/.exec(path);
  if (data) {
    const ticket = state.tickets.get(Number(data[1]));
    return ticket ? json(200, { ...ticketDetail(ticket), lang: ticket.lang }) : json(404, { message: 'Ticket not found' });
  }
  return html(404, notFoundPage());
}
