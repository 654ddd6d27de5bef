import { describe, expect, it } from 'vitest';
import { minUuidv7, uuidv7, uuidv7Time } from './uuid.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the millisecond', () => {
    const now = Date.UTC(2026, 11, 7, 18, 0, 0, 123);
    const key = uuidv7(now + 10_000);
    expect(key).toMatch(UUID_V7);
    expect(uuidv7Time(key)).toBe(now + 10_000);
    expect(key >= minUuidv7(now + 10_000)).toBe(true);
    expect(key < minUuidv7(now + 10_001)).toBe(true);
  });

  it('keeps keys of one millisecond strictly increasing, and random after the counter', () => {
    const now = Date.now() + 60_000;
    // more keys than one draw of random bytes holds (512), so the pool refills on the way
    const keys = Array.from({ length: 2000 }, () => uuidv7(now));
    for (const k of keys) expect(k).toMatch(UUID_V7);
    for (let i = 1; i < keys.length; i++) expect(keys[i]! > keys[i - 1]!).toBe(true);
    expect(new Set(keys.map((k) => k.slice(19))).size).toBe(keys.length);
    // the counter ran out after 4,096 keys: the next key borrows the next millisecond, never goes back
    const more = Array.from({ length: 3000 }, () => uuidv7(now));
    expect(uuidv7Time(more.at(-1)!)).toBe(now + 1);
    expect(more[0]! > keys.at(-1)!).toBe(true);
  });

  it('never goes backwards when the clock does', () => {
    const later = uuidv7(Date.now() + 120_000);
    expect(uuidv7(Date.now()) > later).toBe(true);
  });
});
