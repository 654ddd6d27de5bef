import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** An RS256 key pair with its kid and public JWK. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Makes a fresh RS256 key pair (2048-bit) for the test platform or an attacker. */
export async function newSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** Signs `payload` as an RS256 JWT with `key` (iat defaults to now). */
export async function signJwt(
  key: SigningKey,
  payload: Record<string, unknown>,
  options: { expiresInS?: number; iat?: number } = {},
): Promise<string> {
  // Claims already in the payload win (tests of expired or skewed tokens set them).
  const iat = typeof payload.iat === 'number' ? payload.iat : (options.iat ?? Math.floor(Date.now() / 1000));
  const exp = typeof payload.exp === 'number' ? payload.exp : iat + (options.expiresInS ?? 300);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key.privateKey);
}
