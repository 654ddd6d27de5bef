import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KairosError } from '../errors.js';
import type { CredentialRecord, CredentialRepository } from '../storage/types.js';
import { isScope, SCOPES } from './scopes.js';

/** The key and secret of a new credential; the secret is shown once and never stored. */
export interface NewApiKey {
  record: CredentialRecord;
  secret: string;
}

/** SHA-256 hex of a secret. Secrets are 256 random bits, so a fast hash resists guessing as well as a slow one. */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Creates an API key for Basic auth (`key:secret`) with the given scopes.
 *
 * @example
 * const { record, secret } = await createApiKey(store.credentials, { tenantId: 'default', name: 'h5p', scopes: ['statements/write'] });
 */
export async function createApiKey(
  credentials: CredentialRepository,
  input: { tenantId: string; name: string; scopes: string[] },
): Promise<NewApiKey> {
  const unknown = input.scopes.filter((s) => !isScope(s));
  if (unknown.length > 0) {
    throw new KairosError(
      'invalid_scope',
      `unknown scope ${unknown.join(', ')}; scopes are: ${SCOPES.join(', ')}`,
      {
        status: 400,
      },
    );
  }
  if (input.scopes.length === 0) {
    throw new KairosError('invalid_scope', `give at least one scope (${SCOPES.join(', ')})`, { status: 400 });
  }
  if (!input.name.trim())
    throw new KairosError('invalid_name', 'give the key a name (--name)', { status: 400 });
  const secret = randomBytes(32).toString('base64url');
  const record: CredentialRecord = {
    tenantId: input.tenantId,
    key: `kk_${randomBytes(12).toString('base64url')}`,
    secretHash: hashSecret(secret),
    name: input.name.trim(),
    scopes: [...new Set(input.scopes)],
    createdAt: new Date().toISOString(),
  };
  await credentials.create(record);
  return { record, secret };
}

/**
 * Whether `secret` is the secret of this credential (constant time). Revocation is the caller's check:
 * the record may come from the process's key cache.
 */
export function secretMatches(record: CredentialRecord, secret: string): boolean {
  const a = Buffer.from(record.secretHash, 'hex');
  const b = Buffer.from(hashSecret(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
