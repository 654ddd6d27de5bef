import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/** Random bytes drawn 4 KiB at a time: one call into the CSPRNG per 512 keys rather than one per key. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The hex of `pool[from .. from + n)`. */
function hex(from: number, n: number): string {
  let out = '';
  for (let i = from; i < from + n; i++) out += HEX[pool[i]!];
  return out;
}

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, then a 12-bit counter that keeps keys generated in the
 * same millisecond by this process strictly increasing, then random bits. Sorting keys as strings sorts
 * them by time, which is what keyset paging relies on.
 */
export function uuidv7(now = Date.now()): string {
  now = Math.trunc(now);
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
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 8;
  pool[r] = 0x80 | (pool[r]! & 0x3f); // the variant bits
  const ms = now.toString(16).padStart(12, '0');
  const ver = (0x7000 | seq).toString(16);
  return `${ms.slice(0, 8)}-${ms.slice(8)}-${ver}-${hex(r, 2)}-${hex(r + 2, 6)}`;
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
