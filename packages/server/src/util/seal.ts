import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A value sealed at rest: AES-256-GCM, base64 parts. */
export interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

const aesKey = (key: string) => createHash('sha256').update(key).digest();

/** Seals a JSON value with AES-256-GCM (authenticated) under a key derived from `key`. */
export function seal(key: string, value: unknown): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey(key), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Opens what {@link seal} sealed; throws when the key is wrong or the data was altered. */
export function unseal<T = Record<string, unknown>>(key: string, sealed: Sealed): T {
  const decipher = createDecipheriv('aes-256-gcm', aesKey(key), Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  return JSON.parse(text.toString('utf8')) as T;
}
