import { describe, expect, it } from 'vitest';
import { HttpError } from '../../errors.js';
import { decodeCursor, encodeCursor } from './query.js';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';

describe('more cursors', () => {
  const cursor = encodeCursor(SECRET, {
    filter: { terms: [], ascending: false, limit: 10 },
    key: 'k',
    format: 'exact',
    attachments: false,
    tenantId: 'default',
  });

  it('decodes its own', () => {
    expect(decodeCursor(SECRET, cursor)).toMatchObject({ key: 'k', tenantId: 'default' });
  });

  // Found by test/security/fuzz.test.ts: 22 non-ASCII characters have the MAC's length in characters, not
  // in bytes, and timingSafeEqual threw (a 500).
  it.each([
    ['a MAC of non-ASCII characters', `${cursor.split('.')[0]}.${'ä'.repeat(22)}`],
    ['an altered payload', `e30.${cursor.split('.')[1]}`],
    ['no MAC', 'x'],
    ['nothing', ''],
  ])('refuses %s with a 400', (_what, more) => {
    let error: unknown;
    try {
      decodeCursor(SECRET, more);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_query' });
  });
});
