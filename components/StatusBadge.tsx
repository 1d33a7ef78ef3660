import type { TicketStatus } from '@/utils/shared/daakey-types';
import { useI18n } from './i18n-context';

export function StatusBadge({ status }: { status: TicketStatus }) {
  const { t } = useI18n();
  const label = {
    open: t('ticket_status_open'),
    in_progress: t('ticket_status_in_progress'),
    resolved: t('ticket_status_resolved'),
    closed: t('ticket_status_closed'),
  }[status];
  return <span class={`badge badge-${status}`}>{label ?? status}</span>;
}
