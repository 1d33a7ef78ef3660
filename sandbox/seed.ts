/**
 * The sandbox's seeded, deterministic data. `POST /__control/reset` (or `Sandbox.reset()`) restores exactly this.
 *
 * Ticket statuses (documented in README.md): open 1, 5, 6, 10, 12 · in_progress 4, 8 · resolved 2, 7, 11 ·
 * closed 3, 9. Languages: English 1, 4, 7, 9, 12 · French 2, 5, 8, 11 · Arabic 3, 6, 10.
 */
import type { TicketPriority, TicketStatus } from '../utils/shared/daakey-types';

export interface SandboxAgency {
  id: number;
  code: string;
  name: string;
  /** Signing secret for the computed mode (`<code>.<ts>.<hmac>`). */
  secret: string;
  /** Fixed header value accepted verbatim for the issued mode; omit to disable the issued mode for this agency. */
  issuedSignature?: string;
}

export interface SandboxUser {
  id: number;
  agencyId: number;
  name: string;
  email: string;
  password: string;
}

export type SeedLang = 'en' | 'fr' | 'ar';

export interface SeedMessage {
  sender: 'client' | 'agent';
  sender_name: string;
  message: string;
  /** Minutes after the ticket was created. */
  afterMinutes: number;
}

export interface SeedTicket {
  id: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  category: string;
  lang: SeedLang;
  booking_id: number | null;
  created_at: string;
  messages: SeedMessage[];
}

export const DEMO_AGENCY: SandboxAgency = {
  id: 123,
  code: 'AGENCY123',
  name: 'Demo Car Sharing',
  secret: 'sandbox-secret-123',
  issuedSignature: 'ISSUED-AGENCY123-7f3a9c2e5b8d4f1a6c0e3b7d9a2f5c8e',
};

export const DEMO_USER: SandboxUser = {
  id: 7,
  agencyId: 123,
  name: 'Sara Haddad',
  email: 'agent@demo.daakey.test',
  password: 'demo-password',
};

export const SEED_YEAR = 2026;

export function ticketReference(id: number, year = SEED_YEAR): string {
  return `TK-${year}-${String(id).padStart(5, '0')}`;
}

const SUPPORT_EN = 'Daakey Support';
const SUPPORT_FR = 'Support Daakey';
const SUPPORT_AR = 'دعم داكي';

/** Ticket n is created on 2026-01-(n+2) at 08:00 UTC; messages follow at the listed minute offsets. */
function createdAt(id: number): string {
  return new Date(Date.UTC(SEED_YEAR, 0, id + 2, 8, 0, 0)).toISOString().replace('.000Z', 'Z');
}

const t = (
  id: number,
  lang: SeedLang,
  status: TicketStatus,
  priority: TicketPriority,
  category: string,
  subject: string,
  messages: SeedMessage[],
  booking_id: number | null = null,
): SeedTicket => ({ id, lang, status, priority, category, subject, messages, booking_id, created_at: createdAt(id) });

const c = (sender_name: string, message: string, afterMinutes: number): SeedMessage => ({
  sender: 'client',
  sender_name,
  message,
  afterMinutes,
});
const a = (sender_name: string, message: string, afterMinutes: number): SeedMessage => ({
  sender: 'agent',
  sender_name,
  message,
  afterMinutes,
});

export const SEED_TICKETS: readonly SeedTicket[] = [
  t(
    1,
    'en',
    'open',
    'high',
    'vehicle',
    "Car won't unlock with the app",
    [
      c('John Doe', 'The car does not unlock when I tap "Unlock" in the app. I am standing next to it.', 0),
      a(SUPPORT_EN, 'Sorry about that. Could you try turning Bluetooth off and on again, then retry?', 12),
    ],
    20931,
  ),
  t(
    2,
    'fr',
    'resolved',
    'normal',
    'billing',
    'Facture en double pour la réservation BK-20931',
    [
      c('Claire Martin', "J'ai été facturée deux fois pour la même réservation.", 0),
      a(SUPPORT_FR, 'Nous avons annulé le second prélèvement. Le remboursement arrivera sous 5 jours.', 95),
      c('Claire Martin', 'Merci, c’est bien reçu.', 2000),
    ],
    20931,
  ),
  t(3, 'ar', 'closed', 'normal', 'billing', 'استرداد مبلغ التأمين', [
    c('كريم بن علي', 'لم أستلم مبلغ التأمين بعد انتهاء الحجز.', 0),
    a(SUPPORT_AR, 'تم تحويل المبلغ إلى حسابك. شكراً لصبرك.', 240),
  ]),
  t(4, 'en', 'in_progress', 'normal', 'damage', 'Scratches reported on the rear bumper', [
    c('Emily Clarke', 'I found scratches on the rear bumper before starting my trip. Photos attached.', 0),
    a(SUPPORT_EN, 'Thanks, we have logged the damage and a technician will inspect the car.', 30),
  ]),
  t(5, 'fr', 'open', 'high', 'charging', 'Problème de recharge à la station Bastille', [
    c('Julien Moreau', 'La borne de la station Bastille refuse de charger la voiture.', 0),
    a(SUPPORT_FR, 'Pouvez-vous nous indiquer le numéro de la borne ?', 18),
  ]),
  t(6, 'ar', 'open', 'critical', 'vehicle', 'السيارة لا تعمل بعد التزود بالوقود', [
    c('ليلى منصور', 'السيارة لا تعمل بعد التزود بالوقود في المحطة.', 0),
    a(SUPPORT_AR, 'هل ظهرت أي رسالة على لوحة القيادة؟', 10),
  ]),
  t(7, 'en', 'resolved', 'low', 'account', 'Customer cannot update driving licence', [
    c('Michael Brown', 'The app rejects the photo of my new driving licence.', 0),
    a(SUPPORT_EN, 'We have validated your licence manually. You can book again.', 60),
  ]),
  t(8, 'fr', 'in_progress', 'high', 'vehicle', 'Clé perdue pendant la location', [
    c('Sophie Bernard', "J'ai perdu la clé de secours pendant ma location.", 0),
    a(SUPPORT_FR, 'Nous envoyons un agent pour récupérer le véhicule.', 25),
  ]),
  t(9, 'en', 'closed', 'normal', 'telematics', 'GPS tracker offline for vehicle AB-123-CD', [
    c('Fleet Ops', 'The tracker of AB-123-CD has not reported for 3 days.', 0),
    a(SUPPORT_EN, 'The tracker was replaced. Closing this ticket.', 1440),
  ]),
  t(
    10,
    'ar',
    'open',
    'normal',
    'booking',
    'طلب تمديد الحجز',
    [
      c('يوسف العمري', 'أرغب في تمديد الحجز ليومين إضافيين.', 0),
      a(SUPPORT_AR, 'يمكنك تمديد الحجز من التطبيق، أو نقوم بذلك نيابة عنك.', 40),
    ],
    30412,
  ),
  t(11, 'fr', 'resolved', 'low', 'billing', 'Remboursement des frais de stationnement', [
    c('Antoine Leroy', 'Pouvez-vous rembourser les frais de stationnement à l’aéroport ?', 0),
    a(SUPPORT_FR, 'Le remboursement de 18,00 € a été effectué.', 300),
  ]),
  t(12, 'en', 'open', 'low', 'pricing', 'Question about weekend pricing', [
    c('Olivia Wilson', 'Is there a discount for weekend rentals longer than 48 hours?', 0),
    a(SUPPORT_EN, 'Yes: rentals over 48 hours get 15% off automatically.', 45),
  ]),
];
