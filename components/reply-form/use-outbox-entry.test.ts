import { describe, expect, it } from 'vitest';
import type { OutboxEntryView } from '@/utils/shared/messages';
import { SHOW_UNSEEN_SENT_MS, entryToShow } from './use-outbox-entry';

const NOW = 1_800_000_000_000;

function entry(id: string, over: Partial<OutboxEntryView> = {}): OutboxEntryView {
  return {
    id,
    ticketId: 7,
    message: `reply ${id}`,
    attachments: [],
    state: 'queued',
    attempts: 0,
    createdAt: NOW - 1_000,
    nextAttemptAt: null,
    undoUntil: null,
    sent: null,
    error: null,
    ...over,
  };
}

describe('entryToShow', () => {
  it("shows the newest of the ticket's unsent replies, never another ticket's", () => {
    const entries = [
      entry('old', { createdAt: NOW - 5_000, state: 'failed' }),
      entry('new', { createdAt: NOW - 2_000, state: 'paused' }),
      entry('other', { ticketId: 8, createdAt: NOW }),
    ];
    expect(entryToShow(entries, 7, new Set(), NOW)?.id).toBe('new');
    expect(entryToShow(entries, 9, new Set(), NOW)).toBeNull();
  });

  it('shows a sent reply the agent has not seen go, for a day; a seen one never', () => {
    const sent = entry('s', { state: 'sent', sent: { messageId: 3, senderName: 'Sara', createdAt: '2026-12-01T00:00:00Z' } });
    expect(entryToShow([sent], 7, new Set(), NOW)?.id).toBe('s');
    expect(entryToShow([sent], 7, new Set(['s']), NOW)).toBeNull();
    expect(entryToShow([sent], 7, new Set(), sent.createdAt + SHOW_UNSEEN_SENT_MS)).toBeNull();
  });
});
