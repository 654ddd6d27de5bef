import { createHash } from 'node:crypto';

/**
 * Most term ids remembered; the memo starts afresh when full. With terms of at most {@link MEMO_TERM_CHARS}
 * characters that bounds it to about 20 MB (~5 MB for typical IRIs); longer terms (an activity id can be a
 * long client-chosen IRI) are hashed each time.
 */
const MEMO_SIZE = 20_000;
const MEMO_TERM_CHARS = 512;
const memo = new Map<string, string>();

/**
 * The 16-byte id of an index term (`a:<agent>`, `o:<activity>`…): its MD5 as a UUID, the same value
 * PostgreSQL computes with `md5(term)::uuid`. A collision would only add a false candidate to one tenant's
 * filter on one value; it cannot leak across tenants (the tenant is part of every index key).
 *
 * Memoised: a statement has about ten terms and most recur from statement to statement (its verb, course,
 * sequence, learner, registration, the writing key), and hashing them was a tenth of the server's work per
 * stored statement (docs/benchmarks.md, "The server's work per statement").
 */
export function termId(term: string): string {
  let id = memo.get(term);
  if (id === undefined) {
    const h = createHash('md5').update(term, 'utf8').digest('hex');
    id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    if (term.length <= MEMO_TERM_CHARS) {
      if (memo.size >= MEMO_SIZE) memo.clear();
      memo.set(term, id);
    }
  }
  return id;
}
