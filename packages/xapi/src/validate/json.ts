import type { ValidationIssue } from '../errors.js';

/**
 * Deepest nesting of objects and arrays accepted in a statement (the statement object is level 1) and
 * in any JSON an LRS walks (query parameters, merged documents).
 *
 * Why 64: xAPI's own structure needs at most 7 levels (statement › SubStatement › context ›
 * contextAgents › [i] › agent › account), so extension values, which are arbitrary JSON, keep 55+ levels
 * for themselves. Far below the limits that turn deep input into a crash instead of a 400: V8's
 * `JSON.stringify` overflows the stack at a few thousand levels, every recursive walker (signature,
 * zod) a little later, and MongoDB refuses documents nested deeper than 100.
 */
export const MAX_JSON_DEPTH = 64;

/** Options of {@link jsonIssues}. */
export interface JsonCheckOptions {
  /** Deepest nesting accepted (default {@link MAX_JSON_DEPTH}). */
  maxDepth?: number;
  /** Also apply {@link stringProblem} to every string and property name (default true). */
  strings?: boolean;
  /** Stop after this many issues (default 20): a 10 MB body of bad strings must not answer 10 MB. */
  maxIssues?: number;
}

// Fast pre-test: most strings have neither a NUL nor any surrogate (paired ones are re-checked below).
const SUSPECT = /[\0\uD800-\uDFFF]/;

/**
 * Why a string cannot be stored, or `undefined` when it can: it contains U+0000 (NUL), which
 * PostgreSQL text/JSON and FerretDB refuse, or an unpaired UTF-16 surrogate, which is not Unicode text
 * (it has no UTF-8 form: PostgreSQL rejects its `\uD800` escape, MongoDB drivers silently replace it).
 * @example stringProblem('a\u0000b') // 'contains U+0000 (NUL) at position 1: …'
 */
export function stringProblem(s: string): { rule: string; message: string } | undefined {
  if (!SUSPECT.test(s)) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) {
      return {
        rule: 'nul_character',
        message: `contains U+0000 (NUL) at position ${i}, which cannot be stored: remove it (send binary data as an attachment, or encode it, e.g. base64)`,
      };
    }
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++; // a surrogate pair: one astral character such as an emoji
      continue;
    }
    return {
      rule: 'lone_surrogate',
      message: `contains an unpaired UTF-16 surrogate (\\u${c.toString(16).toUpperCase()}) at position ${i}, which is not Unicode text: send well-formed text (an emoji needs both halves of its surrogate pair)`,
    };
  }
  return undefined;
}

/** A value waiting to be checked, with what is needed to name its path if it is bad. */
interface Entry {
  value: unknown;
  depth: number;
  up: Entry | undefined;
  key: string | number | undefined;
  /** Set when the property name `key` itself is bad (reported in document order, like values). */
  keyProblem?: { rule: string; message: string };
}

const bad = (s: string) => SUSPECT.test(s) && stringProblem(s) !== undefined;

/**
 * The fast path for the common case, valid input: the same walk without paths or allocations per value
 * (it halves the validator's cost); only input that fails it is walked again to name its issues.
 */
function isClean(value: unknown, maxDepth: number, strings: boolean): boolean {
  if (typeof value === 'string') return !(strings && bad(value));
  if (value === null || typeof value !== 'object') return true;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') {
          if (strings && bad(x)) return false;
        } else if (x !== null && typeof x === 'object') {
          values.push(x);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    // for…in: no key array per object (JSON objects have no inherited enumerable keys); the full walk
    // below, with Object.keys, has the last word.
    for (const key in v) {
      if (strings && bad(key)) return false;
      const x = (v as Record<string, unknown>)[key];
      if (typeof x === 'string') {
        if (strings && bad(x)) return false;
      } else if (x !== null && typeof x === 'object') {
        values.push(x);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/** One path segment as the validator writes it; a key that is itself bad is shown JSON-escaped. */
const segment = (key: string | number) =>
  typeof key === 'number' ? `[${key}]` : stringProblem(key) ? `[${JSON.stringify(key)}]` : `.${key}`;

// Paths are built only for issues: walking a valid statement allocates no strings.
function pathOf(root: string, entry: Entry): string {
  const keys: (string | number)[] = [];
  for (let e: Entry | undefined = entry; e?.key !== undefined; e = e.up) keys.push(e.key);
  let path = root;
  for (let i = keys.length - 1; i >= 0; i--) path += segment(keys[i]!);
  return path;
}

/**
 * Checks a JSON value as a whole, before any structural rule: nesting at most `maxDepth` levels, and
 * (unless `strings: false`) no NUL or unpaired surrogate in any string or property name. Iterative, so
 * input of any depth is safe to pass; walks nothing below the limit. Issues name the JSON path.
 * @example jsonIssues(JSON.parse(body), 'statement')[0]?.message
 *   // 'statement.result.response: contains U+0000 (NUL) at position 3, …'
 */
export function jsonIssues(value: unknown, path: string, opts: JsonCheckOptions = {}): ValidationIssue[] {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const strings = opts.strings ?? true;
  if (isClean(value, maxDepth, strings)) return [];
  const maxIssues = opts.maxIssues ?? 20;
  const issues: ValidationIssue[] = [];
  const add = (entry: Entry, rule: string, message: string) => {
    const p = pathOf(path, entry);
    issues.push({ path: p, rule, message: `${p}: ${message}` });
  };
  const stack: Entry[] = [{ value, depth: 1, up: undefined, key: undefined }];
  while (stack.length > 0 && issues.length < maxIssues) {
    const entry = stack.pop()!;
    const v = entry.value;
    if (entry.keyProblem) {
      add(entry, entry.keyProblem.rule, `the property name ${entry.keyProblem.message}`);
      continue;
    }
    if (typeof v === 'string') {
      const problem = strings ? stringProblem(v) : undefined;
      if (problem) add(entry, problem.rule, problem.message);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (entry.depth > maxDepth) {
      add(
        entry,
        'max_depth',
        `nests objects and arrays more than ${maxDepth} levels deep, the most this LRS accepts: flatten it (deep data can travel as a JSON string)`,
      );
      continue; // nothing below the limit is walked
    }
    const depth = entry.depth + 1;
    // Children are pushed last-first, so issues come in document order.
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, up: entry, key: i });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const keyProblem = strings ? stringProblem(key) : undefined;
      stack.push({ value: (v as Record<string, unknown>)[key], depth, up: entry, key, keyProblem });
    }
  }
  return issues.slice(0, maxIssues);
}
