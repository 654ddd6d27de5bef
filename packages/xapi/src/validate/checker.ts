import type { ValidationIssue } from '../errors.js';
import { isIri, isLanguageTag } from '../formats.js';
import type { XapiVersion } from '../version.js';

/** A JSON object as seen by the validator. */
export type Json = Record<string, unknown>;

/** Describes a JSON value for messages: `null`, `an array`, `a string ("abc")`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const NULL_MESSAGE =
  'must not be null (xAPI allows null only inside extensions): remove the property or set a value';

/**
 * Collects issues while walking one statement. Every check takes the value and its path; checks skip
 * `undefined` (absent) values so callers only test presence for required properties.
 */
export class Checker {
  readonly issues: ValidationIssue[] = [];

  constructor(readonly version: XapiVersion) {}

  /** Records an issue; `message` is prefixed by the path. */
  add(path: string, rule: string, message: string): void {
    this.issues.push({ path, rule, message: `${path}: ${message}` });
  }

  /** Records a type issue (`null` gets the null rule). */
  wrongType(path: string, value: unknown, expected: string): void {
    if (value === null) this.add(path, 'null', NULL_MESSAGE);
    else this.add(path, 'type', `must be ${expected}, got ${describe(value)}`);
  }

  /** Returns `value` if it is a JSON object (not an array), else records an issue. */
  object(value: unknown, path: string, expected = 'an object'): Json | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Json;
    this.wrongType(path, value, expected);
    return undefined;
  }

  /** Returns `value` if it is an array, else records an issue. */
  array(value: unknown, path: string, expected: string): unknown[] | undefined {
    if (Array.isArray(value)) {
      // Holes and undefined cannot come from JSON.parse, but callers may build objects by hand.
      for (let i = 0; i < value.length; i++) {
        if (value[i] === undefined) this.add(`${path}[${i}]`, 'type', 'must be a JSON value, got undefined');
      }
      return value;
    }
    this.wrongType(path, value, expected);
    return undefined;
  }

  /** Records an issue for each key of `obj` not in `allowed` (keys are case-sensitive). */
  keys(obj: Json, path: string, allowed: ReadonlySet<string>, what: string): void {
    for (const key in obj) {
      if (allowed.has(key)) continue;
      const hint = [...allowed].find((k) => k.toLowerCase() === key.toLowerCase());
      this.add(
        `${path}.${key}`,
        'unknown_property',
        hint
          ? `property names are case-sensitive: use "${hint}"`
          : `is not a property of ${what} (allowed: ${[...allowed].join(', ')}); remove it or move it into "extensions"`,
      );
    }
  }

  /** Requires a property; records `required` when absent. Returns whether it is present. */
  required(obj: Json, key: string, path: string, what: string): boolean {
    if (obj[key] !== undefined) return true;
    this.add(`${path}.${key}`, 'required', `is required in ${what}`);
    return false;
  }

  /** Checks a string; returns it when valid. */
  string(value: unknown, path: string): string | undefined {
    if (typeof value === 'string') return value;
    if (value !== undefined) this.wrongType(path, value, 'a string');
    return undefined;
  }

  /** Checks a boolean (strings "true"/"false" are rejected, as xAPI requires). */
  boolean(value: unknown, path: string): void {
    if (value !== undefined && typeof value !== 'boolean') this.wrongType(path, value, 'true or false');
  }

  /** Checks a finite number; returns it when valid. */
  number(value: unknown, path: string): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (value !== undefined) this.wrongType(path, value, 'a number');
    return undefined;
  }

  /** Checks an absolute IRI (scheme required). */
  iri(value: unknown, path: string, example = 'http://example.com/path'): string | undefined {
    const s = this.string(value, path);
    if (s === undefined) return undefined;
    if (isIri(s)) return s;
    this.add(path, 'iri', `must be an absolute IRI with a scheme, like "${example}", got ${describe(s)}`);
    return undefined;
  }

  /** Checks a language map: RFC 5646 keys, string values. */
  languageMap(value: unknown, path: string): void {
    if (value === undefined) return;
    const map = this.object(value, path, 'a language map such as {"en-US": "text"}');
    if (!map) return;
    for (const tag in map) {
      if (!isLanguageTag(tag)) {
        this.add(
          `${path}.${tag}`,
          'language_tag',
          'is not an RFC 5646 language tag (use e.g. "en", "en-US", "fr-CA")',
        );
      }
      const text = map[tag];
      if (typeof text !== 'string') this.wrongType(`${path}.${tag}`, text, 'a string');
    }
  }

  /** Checks an extensions object: IRI keys, any values (null allowed). */
  extensions(value: unknown, path: string): void {
    if (value === undefined) return;
    const map = this.object(value, path, 'an object mapping extension IRIs to values');
    if (!map) return;
    for (const key in map) {
      if (!isIri(key)) {
        this.add(
          `${path}.${key}`,
          'iri',
          'extension keys must be absolute IRIs, like "https://example.com/ext/x"',
        );
      }
    }
  }
}

/** Builds a set of allowed keys. */
export function keySet(...keys: string[]): ReadonlySet<string> {
  return new Set(keys);
}

/** Records an objectType issue naming the accepted values (and a case hint). */
export function badObjectType(c: Checker, value: unknown, path: string, allowed: readonly string[]): void {
  if (typeof value !== 'string') {
    c.wrongType(path, value, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return;
  }
  const hint = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  c.add(
    path,
    'object_type',
    hint
      ? `objectType values are case-sensitive: use "${hint}", not "${value}"`
      : `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(value)}`,
  );
}
