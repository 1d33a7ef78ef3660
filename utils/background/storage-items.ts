/**
 * Storage items only the background reads: the token and the agency secret, and the panel passes. Apart from
 * `utils/shared/storage-schema.ts` so that no page bundle carries their keys (the bundle audit checks it).
 */
import { storage } from '#imports';
import type { DaakeyUser } from '@/utils/shared/daakey-types';
import type { PanelPassRecord } from './panel-passes';

export interface StoredCredentials {
  secret: string;
  issuedSignature: string;
  token: string | null;
  user: DaakeyUser | null;
  /** Set by a 401: the outbox waits until the agent signs in again. */
  needsSignIn: boolean;
}

export const EMPTY_CREDENTIALS: StoredCredentials = {
  secret: '',
  issuedSignature: '',
  token: null,
  user: null,
  needsSignIn: false,
};

/**
 * Persistent copy of the secrets. `local` is locked to trusted contexts by the background at
 * start (`setAccessLevel`) where the browser supports it; where it does not (Firefox), the
 * background keeps secrets in `session` only and the agent signs in again after a restart.
 */
export const credentialsItem = storage.defineItem<StoredCredentials>('local:credentials', {
  fallback: EMPTY_CREDENTIALS,
  version: 1,
});
export const sessionCredentialsItem = storage.defineItem<StoredCredentials>('session:credentials', {
  fallback: EMPTY_CREDENTIALS,
  version: 1,
});

/** Passes for the panel pages of open tabs (`utils/background/panel-passes.ts`); session-only. */
export const panelPassesItem = storage.defineItem<Record<string, PanelPassRecord>>('session:panelPasses', {
  fallback: {},
  version: 1,
});
