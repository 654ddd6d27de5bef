import type { FieldValue } from './types.js';

/**
 * Match keys of a keyed record: one `name=<json value>` string per field, plus the collection, so an exact
 * match on any set of fields is a containment test on one indexed array (`@>` in SQL, `$all` in MongoDB).
 */
export function matchKeysOf(collection: string, fields: Record<string, FieldValue>): string[] {
  return [`$c=${collection}`, ...Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`)];
}

/** Keeps only the scalar entries of a match object (queries compare scalars). */
export function scalarFields(match: Record<string, unknown>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(match)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
