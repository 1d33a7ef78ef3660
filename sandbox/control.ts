/**
 * Test-only control API under `/__control` (plain JSON, no envelope, no auth). Off unless the sandbox is started
 * with `control: true` (the CLI turns it on unless `--no-control`).
 */
import type { TicketPriority, TicketStatus } from '../utils/shared/daakey-types';
import { isoSeconds, ticketDetail, type ActiveFault, type FaultMatch, type FaultSpec, type SandboxState, type StoredTicket } from './state';

export interface ControlReply {
  status: number;
  body: unknown;
}

export interface ControlHooks {
  state: SandboxState;
  nowMs(): number;
  reset(): void;
  addFaults(specs: FaultSpec[]): ActiveFault[];
  clearFaults(): void;
  /** Replaces the random source of probabilistic faults with a seeded PRNG. */
  seedRandom?(seed: number): void;
  /** Turns the optional `Idempotency-Key` support on or off. */
  setIdempotency?(enabled: boolean): void;
}

const STATUSES: readonly TicketStatus[] = ['open', 'in_progress', 'resolved', 'closed'];
const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'critical'];
const FAULT_STATUSES = [422, 429, 500, 502, 503, 504] as const;

const bad = (message: string): ControlReply => ({ status: 400, body: { error: message } });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalCount = (v: unknown): v is number | undefined => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 1);

function parseMatch(v: unknown): FaultMatch | undefined | null {
  if (v === undefined) return undefined;
  if (!isRecord(v)) return null;
  const { method, pathPrefix } = v;
  if (method !== undefined && typeof method !== 'string') return null;
  if (pathPrefix !== undefined && typeof pathPrefix !== 'string') return null;
  return { ...(method !== undefined ? { method: method.toUpperCase() } : {}), ...(pathPrefix !== undefined ? { pathPrefix } : {}) };
}

/** Validates one fault description from JSON; returns an error string when it is not valid. */
export function parseFault(v: unknown): FaultSpec | string {
  if (!isRecord(v)) return 'each fault must be an object';
  const match = parseMatch(v.match);
  if (match === null) return 'match must be { method?: string, pathPrefix?: string }';
  if (!optionalCount(v.times)) return 'times must be a positive integer';
  if (v.probability !== undefined && !(typeof v.probability === 'number' && v.probability > 0 && v.probability <= 1))
    return 'probability must be a number with 0 < p <= 1';
  const common = {
    ...(match ? { match } : {}),
    ...(v.times !== undefined ? { times: v.times as number } : {}),
    ...(v.probability !== undefined ? { probability: v.probability as number } : {}),
  };
  switch (v.type) {
    case 'latency':
      if (!Number.isFinite(v.ms) || (v.ms as number) < 0 || (v.ms as number) > 120_000) return 'latency needs ms between 0 and 120000';
      if (v.maxMs !== undefined && !(Number.isFinite(v.maxMs) && (v.maxMs as number) >= (v.ms as number) && (v.maxMs as number) <= 120_000))
        return 'maxMs must be between ms and 120000';
      if (v.phase !== undefined && v.phase !== 'before-commit' && v.phase !== 'after-commit')
        return 'phase must be before-commit or after-commit';
      return {
        type: 'latency',
        ms: v.ms as number,
        ...(v.maxMs !== undefined ? { maxMs: v.maxMs as number } : {}),
        ...(v.phase ? { phase: v.phase } : {}),
        ...common,
      };
    case 'status': {
      if (!FAULT_STATUSES.includes(v.status as (typeof FAULT_STATUSES)[number]))
        return `status must be one of ${FAULT_STATUSES.join(', ')}`;
      if (v.retryAfter !== undefined && !(Number.isSafeInteger(v.retryAfter) && (v.retryAfter as number) >= 0))
        return 'retryAfter must be whole seconds';
      if (v.body !== undefined && v.body !== 'json' && v.body !== 'html' && v.body !== 'empty') return 'body must be json, html or empty';
      return {
        type: 'status',
        status: v.status as (typeof FAULT_STATUSES)[number],
        ...(v.retryAfter !== undefined ? { retryAfter: v.retryAfter as number } : {}),
        ...(v.body !== undefined ? { body: v.body } : {}),
        ...common,
      };
    }
    case 'drop-after-commit':
    case 'drop-before-commit':
      return { type: v.type, ...common };
    case 'commit-then-hang':
      if (v.ms !== undefined && !(Number.isFinite(v.ms) && (v.ms as number) >= 0 && (v.ms as number) <= 600_000))
        return 'commit-then-hang ms must be between 0 and 600000';
      return { type: 'commit-then-hang', ...(v.ms !== undefined ? { ms: v.ms as number } : {}), ...common };
    default:
      return 'type must be latency, status, drop-after-commit, drop-before-commit or commit-then-hang';
  }
}

function parseJson(body: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  if (body.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(body)) };
  } catch {
    return { ok: false };
  }
}

export function handleControl(hooks: ControlHooks, method: string, url: URL, body: Uint8Array): ControlReply {
  const { state } = hooks;
  const path = url.pathname.replace(/\/+$/, '');
  const parsed = parseJson(body);
  if (!parsed.ok) return bad('body is not valid JSON');
  const input = isRecord(parsed.value) ? parsed.value : {};
  const route = `${method} ${path}`;

  switch (route) {
    case 'GET /__control/requests': {
      const m = url.searchParams.get('method')?.toUpperCase();
      const prefix = url.searchParams.get('pathPrefix');
      const requests = state.requests.filter((r) => (!m || r.method === m) && (!prefix || r.path.startsWith(prefix)));
      return { status: 200, body: { requests } };
    }
    case 'DELETE /__control/requests': {
      const cleared = state.requests.length;
      state.requests.length = 0;
      return { status: 200, body: { cleared } };
    }
    case 'POST /__control/reset':
      hooks.reset();
      return { status: 200, body: { ok: true } };
    case 'GET /__control/faults':
      return { status: 200, body: { faults: state.faults.map(publicFault) } };
    case 'POST /__control/faults': {
      if (!Array.isArray(input.faults)) return bad('expected { faults: [...] }');
      if (input.seed !== undefined && !Number.isSafeInteger(input.seed)) return bad('seed must be an integer');
      const specs: FaultSpec[] = [];
      for (const raw of input.faults) {
        const fault = parseFault(raw);
        if (typeof fault === 'string') return bad(fault);
        specs.push(fault);
      }
      if (input.seed !== undefined) hooks.seedRandom?.(input.seed as number);
      hooks.addFaults(specs);
      return { status: 201, body: { faults: state.faults.map(publicFault) } };
    }
    case 'DELETE /__control/faults':
      hooks.clearFaults();
      return { status: 200, body: { faults: [] } };
    case 'POST /__control/tokens/revoke-all': {
      let revoked = 0;
      for (const token of state.tokens.values()) {
        if (!token.revoked) revoked++;
        token.revoked = true;
      }
      return { status: 200, body: { revoked } };
    }
    case 'POST /__control/clock': {
      const offset = input.offsetSeconds;
      if (typeof offset !== 'number' || !Number.isFinite(offset)) return bad('expected { offsetSeconds: number }');
      state.clockOffsetSeconds = offset;
      return { status: 200, body: { offsetSeconds: offset, now: new Date(hooks.nowMs()).toISOString() } };
    }
    case 'POST /__control/tickets':
      return createTicket(hooks, input);
    case 'GET /__control/idempotency':
      return { status: 200, body: { enabled: state.idempotencyEnabled } };
    case 'POST /__control/idempotency': {
      if (typeof input.enabled !== 'boolean') return bad('expected { enabled: boolean }');
      if (!hooks.setIdempotency) return bad('this sandbox cannot switch idempotency');
      hooks.setIdempotency(input.enabled);
      return { status: 200, body: { enabled: state.idempotencyEnabled } };
    }
    case 'GET /__control/state':
      return {
        status: 200,
        body: {
          now: new Date(hooks.nowMs()).toISOString(),
          clockOffsetSeconds: state.clockOffsetSeconds,
          tickets: [...state.tickets.values()].map((t) => ({
            id: t.id,
            reference: t.reference,
            status: t.status,
            messages: t.messages.length,
          })),
          tokens: {
            active: [...state.tokens.values()].filter((t) => !t.revoked).length,
            revoked: [...state.tokens.values()].filter((t) => t.revoked).length,
          },
          faults: state.faults.map(publicFault),
          requests: state.requests.length,
          idempotency: state.idempotencyEnabled,
          idempotencyKeys: state.idempotency.size,
          media: state.media.size,
        },
      };
  }

  const ticketRoute = /^\/__control\/tickets\/([1-9]\d{0,9})\/(status|messages)$/.exec(path);
  if (ticketRoute) {
    const ticket = state.tickets.get(Number(ticketRoute[1]));
    if (!ticket) return { status: 404, body: { error: 'Ticket not found' } };
    if (ticketRoute[2] === 'messages' && method === 'GET') return { status: 200, body: { messages: ticketDetail(ticket).messages } };
    if (ticketRoute[2] === 'messages' && method === 'POST') return addMessage(hooks, ticket, input);
    if (ticketRoute[2] === 'status' && method === 'POST') {
      if (!STATUSES.includes(input.status as TicketStatus)) return bad(`status must be one of ${STATUSES.join(', ')}`);
      ticket.status = input.status as TicketStatus;
      return { status: 200, body: { ticket: ticketDetail(ticket) } };
    }
  }
  return { status: 404, body: { error: `No control route ${route}` } };
}

function publicFault(f: ActiveFault): Record<string, unknown> {
  return { ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : null };
}

/** Creates a ticket with arbitrary (possibly hostile) text, for rendering tests. */
function createTicket(hooks: ControlHooks, input: Record<string, unknown>): ControlReply {
  const { state } = hooks;
  if (typeof input.subject !== 'string' || input.subject === '') return bad('subject (string) is required');
  const status = input.status ?? 'open';
  const priority = input.priority ?? 'normal';
  if (!STATUSES.includes(status as TicketStatus)) return bad('invalid status');
  if (!PRIORITIES.includes(priority as TicketPriority)) return bad('invalid priority');
  const rawMessages = input.messages ?? [];
  if (!Array.isArray(rawMessages)) return bad('messages must be an array');
  const now = hooks.nowMs();
  const id = state.nextTicketId++;
  const ticket: StoredTicket = {
    id,
    reference: `TK-${new Date(now).getUTCFullYear()}-${String(id).padStart(5, '0')}`,
    subject: input.subject,
    status: status as TicketStatus,
    priority: priority as TicketPriority,
    category: typeof input.category === 'string' ? input.category : 'other',
    lang: input.lang === 'en' || input.lang === 'fr' || input.lang === 'ar' ? input.lang : null,
    booking_id: null,
    created_at: isoSeconds(now),
    messages: [],
  };
  for (const m of rawMessages) {
    if (!isRecord(m) || typeof m.message !== 'string') return bad('each message needs { message: string }');
    ticket.messages.push({
      id: state.nextMessageId++,
      // Not length-limited: fixtures may need oversized text.
      message: m.message,
      sender: typeof m.sender === 'string' ? m.sender : 'agent',
      sender_name: typeof m.sender_name === 'string' ? m.sender_name : 'Daakey Support',
      attachments: Array.isArray(m.attachments) ? m.attachments.filter((x): x is string => typeof x === 'string') : [],
      created_at: isoSeconds(now),
    });
  }
  state.tickets.set(id, ticket);
  return { status: 201, body: { ticket: ticketDetail(ticket) } };
}

/**
 * Adds a message to a ticket as someone other than the signed-in agent would (the customer by default, or
 * another agent with `sender_name`): what a form open on that ticket should notice before it sends.
 */
function addMessage(hooks: ControlHooks, ticket: StoredTicket, input: Record<string, unknown>): ControlReply {
  const { state } = hooks;
  if (typeof input.message !== 'string' || input.message === '') return bad('message (string) is required');
  if (input.sender !== undefined && typeof input.sender !== 'string') return bad('sender must be a string');
  if (input.sender_name !== undefined && typeof input.sender_name !== 'string') return bad('sender_name must be a string');
  const message = {
    id: state.nextMessageId++,
    message: input.message,
    sender: (input.sender as string | undefined) ?? 'client',
    sender_name: (input.sender_name as string | undefined) ?? 'Customer',
    attachments: [],
    created_at: isoSeconds(hooks.nowMs()),
  };
  ticket.messages.push(message);
  return { status: 201, body: { message } };
}
