import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, then a 12-bit counter that keeps keys generated in the
 * same millisecond by this process strictly increasing, then random bits. Sorting keys as strings sorts
 * them by time, which is what keyset paging relies on.
 */
export function uuidv7(now = Date.now()): string {
  if (now <= lastMs) {
    seq++;
    if (seq > 0xfff) {
      lastMs++; // counter exhausted: borrow the next millisecond rather than go backwards
      seq = 0;
    }
    now = lastMs;
  } else {
    lastMs = now;
    seq = 0;
  }
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The millisecond timestamp a UUIDv7 encodes. */
export function uuidv7Time(key: string): number {
  return Number.parseInt(key.replace(/-/g, '').slice(0, 12), 16);
}

/** The smallest UUIDv7 of millisecond `ms`: every key of that ms or later is ≥ it. */
export function minUuidv7(ms: number): string {
  const h = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-000000000000`;
}
