/**
 * Where the token and the signing secret live: `storage.session` while the browser runs, plus
 * `storage.local` for persistence only when the browser can lock it to trusted contexts.
 * Only the background imports this module.
 */
import { credentialsItem, EMPTY_CREDENTIALS, sessionCredentialsItem, type StoredCredentials } from './storage-items';

export interface CredentialsStore {
  get(): Promise<StoredCredentials>;
  update(patch: Partial<StoredCredentials>): Promise<StoredCredentials>;
}

export function createCredentialsStore({ persistent }: { persistent: boolean }): CredentialsStore {
  let cache: StoredCredentials | null = null;
  return {
    async get() {
      if (cache) return cache;
      const session = await sessionCredentialsItem.getValue();
      if (session !== EMPTY_CREDENTIALS && (session.token || session.secret || session.issuedSignature)) {
        cache = session;
      } else if (persistent) {
        cache = await credentialsItem.getValue();
        await sessionCredentialsItem.setValue(cache);
      } else {
        cache = session;
      }
      return cache;
    },
    async update(patch) {
      const next = { ...(await this.get()), ...patch };
      cache = next;
      await sessionCredentialsItem.setValue(next);
      if (persistent) await credentialsItem.setValue(next);
      return next;
    },
  };
}
