/** One sentence per error kind, with the server's own words (as text) where they help. */
import type { ActionError } from '@/utils/ui/connect';
import type { Translate } from '@/utils/shared/i18n';

export function errorText(t: Translate, error: ActionError, ticketId?: number): string {
  const server = 'message' in error && error.message ? error.message : '';
  switch (error.kind) {
    case 'closed':
      return t('err_closed');
    case 'not_found':
      return ticketId ? t('err_not_found_ticket', [ticketId]) : t('err_not_found');
    case 'unauthorized':
      return t('err_unauthorized');
    case 'forbidden':
      return t('err_forbidden', [server || t('err_no_detail')]);
    case 'validation':
      return t('err_validation');
    case 'rate_limited':
      return t('err_rate_limited');
    case 'server':
      return t('err_server', [error.status]);
    case 'network':
      return t('err_network');
    case 'timeout':
      return t('err_timeout');
    case 'malformed':
      return t('err_malformed', [error.status]);
    case 'too_large':
      return t('err_too_large');
    case 'not_configured':
      return t('err_not_configured');
    case 'bad_request':
    case 'http':
    case 'bad_sender':
    case 'unknown_type':
    case 'internal':
      return t('err_other', [server || error.kind]);
  }
}

/** 422 field errors as "Field: problem" lines. */
export function fieldErrors(t: Translate, error: ActionError | null): { field: string; label: string; messages: string[] }[] {
  if (error?.kind !== 'validation') return [];
  const labels: Record<string, string> = {
    message: t('field_message'),
    attachments: t('field_attachments'),
    subject: t('field_subject'),
    category: t('field_category'),
  };
  return Object.entries(error.fields).map(([field, messages]) => ({ field, label: labels[field] ?? field, messages }));
}

export function formatTime(lang: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const sameDay = new Date().toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(lang, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
