import { createHash } from 'node:crypto';

/**
 * The 16-byte id of an index term (`a:<agent>`, `o:<activity>`…): its MD5 as a UUID, the same value
 * PostgreSQL computes with `md5(term)::uuid`. A collision would only add a false candidate to one tenant's
 * filter on one value; it cannot leak across tenants (the tenant is part of every index key).
 */
export function termId(term: string): string {
  const h = createHash('md5').update(term, 'utf8').digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
