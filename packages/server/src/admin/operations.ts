import type { XapiVersion } from '@kairos/xapi';
import { createApiKey } from '../auth/api-keys.js';
import type { Principal } from '../auth/principal.js';
import { KairosError } from '../errors.js';
import { ConsistencyTracker } from '../lrs/consistency.js';
import type { CredentialRecord, Stores } from '../storage/types.js';
import { type ImportResult, importBatch } from './import.js';

/** A credential as shown to operators: never the secret or its hash. */
export type KeyInfo = Omit<CredentialRecord, 'secretHash'>;

/** Operations of the admin commands, run on the stores directly or through a running server. */
export interface AdminOperations {
  createKey(input: {
    tenantId: string;
    name: string;
    scopes: string[];
  }): Promise<KeyInfo & { secret: string }>;
  listKeys(tenantId?: string): Promise<KeyInfo[]>;
  revokeKey(key: string): Promise<boolean>;
  importStatements(tenantId: string, items: unknown[], version: XapiVersion): Promise<ImportResult>;
}

const info = ({ secretHash: _, ...rest }: CredentialRecord): KeyInfo => rest;

/** Admin operations on open stores. */
export function localOperations(
  stores: Stores,
  publicUrl: string,
  consistency = new ConsistencyTracker(),
): AdminOperations {
  return {
    async createKey(input) {
      const { record, secret } = await createApiKey(stores.record.credentials, input);
      return { ...info(record), secret };
    },
    async listKeys(tenantId) {
      return (await stores.record.credentials.list(tenantId)).map(info);
    },
    async revokeKey(key) {
      const found = await stores.record.credentials.find(key);
      if (!found) throw new KairosError('key_not_found', `no API key ${key}`, { status: 404 });
      return stores.record.credentials.revoke(key, new Date().toISOString());
    },
    async importStatements(tenantId, items, version) {
      const principal: Principal = {
        tenantId,
        scopes: ['all'],
        kind: 'basic',
        credentialId: 'import',
        authority: {
          objectType: 'Agent',
          name: 'kairos import',
          account: { homePage: publicUrl, name: 'import' },
        },
      };
      return importBatch({ record: stores.record, consistency }, principal, items, version);
    },
  };
}
