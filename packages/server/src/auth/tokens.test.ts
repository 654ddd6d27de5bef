import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { MAX_TOKEN_TTL_S, mintToken, verifyToken } from './tokens.js';

const SECRET = 'unit-secret';
const sign = (set: (j: SignJWT) => SignJWT) =>
  set(
    new SignJWT({ tid: 't', scp: ['all'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('kairos')
      .setAudience('kairos-api'),
  ).sign(new TextEncoder().encode(`kairos-token:${SECRET}`));
const refusal = async (token: string) => {
  const error = await verifyToken(SECRET, token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return { status: (error as HttpError).status, code: (error as HttpError).code };
};

describe('tokens', () => {
  it('round-trips the claims, the minting key included', async () => {
    const token = await mintToken(SECRET, {
      tenantId: 't',
      scopes: ['statements/read'],
      contextId: 'c1',
      role: 'instructor',
      keyId: 'kk_1',
    });
    expect(await verifyToken(SECRET, token)).toEqual({
      tenantId: 't',
      scopes: ['statements/read'],
      contextId: 'c1',
      actor: undefined,
      role: 'instructor',
      keyId: 'kk_1',
    });
  });

  it('never mints a token living longer than 24 h', async () => {
    expect(MAX_TOKEN_TTL_S).toBe(24 * 3600);
    await expect(mintToken(SECRET, { tenantId: 't', scopes: [] }, MAX_TOKEN_TTL_S + 1)).rejects.toThrow(
      /at most 86400 s/,
    );
  });

  it('refuses tokens without iat or exp, living too long, or issued in the future (401 token_lifetime)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = { status: 401, code: 'token_lifetime' };
    expect(await refusal(await sign((j) => j.setIssuedAt()))).toEqual(lifetime);
    expect(await refusal(await sign((j) => j.setExpirationTime(now + 60)))).toEqual(lifetime);
    expect(
      await refusal(await sign((j) => j.setIssuedAt(now).setExpirationTime(now + MAX_TOKEN_TTL_S + 1))),
    ).toEqual(lifetime);
    expect(await refusal(await sign((j) => j.setIssuedAt(now + 3600).setExpirationTime(now + 7200)))).toEqual(
      lifetime,
    );
    expect(await refusal(await sign((j) => j.setIssuedAt(now - 7200).setExpirationTime(now - 3600)))).toEqual(
      {
        status: 401,
        code: 'token_expired',
      },
    );
    await expect(
      verifyToken(SECRET, await sign((j) => j.setIssuedAt(now).setExpirationTime(now + MAX_TOKEN_TTL_S))),
    ).resolves.toMatchObject({ tenantId: 't' });
  });
});
