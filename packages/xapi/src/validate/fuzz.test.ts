import { describe, expect, it } from 'vitest';
import { XapiValidationError } from '../errors.js';
import { matchKeys } from '../match-keys.js';
import { statementSchemaFor } from '../schemas.js';
import { statementSignature } from '../signature.js';
import { validStatements, validStatements2 } from '../test-support/fixtures.js';
import type { XapiVersion } from '../version.js';
import { validateStatements } from './index.js';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Container = Record<string, unknown> | unknown[];
const REPLACEMENTS: unknown[] = [
  null,
  '',
  'x',
  'http://example.com/x',
  'mailto:a@b.c',
  'Agent',
  'Group',
  'SubStatement',
  'StatementRef',
  '2024-01-01T00:00:00Z',
  'PT1S',
  '16fd2706-8baf-433b-82eb-8c7fada847da',
  0,
  -2,
  1.5,
  Number.POSITIVE_INFINITY,
  true,
  false,
  [],
  {},
  [null],
  { a: null },
];

/** Every (container, key) slot of a JSON tree, with whether it lies inside an extensions object. */
function slots(root: unknown): Array<[Container, string | number]> {
  const out: Array<[Container, string | number]> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i]);
        walk(x);
      });
    } else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) out.push([v as Container, k]), walk(x);
  };
  walk(root);
  return out;
}

function mutate(statement: unknown, random: () => number): unknown {
  const s = structuredClone(statement) as Record<string, unknown>;
  const n = 1 + Math.floor(random() * 3);
  for (let m = 0; m < n; m++) {
    const all = slots(s);
    const [container, key] = all[Math.floor(random() * all.length)]!;
    const c = container as Record<string | number, unknown>;
    const op = random();
    if (op < 0.35) c[key] = REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)];
    else if (op < 0.5) Array.isArray(container) ? container.splice(key as number, 1) : delete c[key];
    else if (op < 0.52 && Array.isArray(container))
      c[container.length + 1] = 'hole'; // sparse array
    else if (op < 0.6 && typeof c[key] === 'string') c[key] = (c[key] as string).toUpperCase();
    else if (op < 0.7 && !Array.isArray(container)) c[`${key}X`] = c[key];
    else if (op < 0.8) c[key] = [c[key]];
    else if (op < 0.9 && typeof c[key] === 'string') c[key] = (c[key] as string).slice(1);
    else c[key] = structuredClone(s.actor);
  }
  return s;
}

/** Whether a null appears outside extensions. */
function hasNull(v: unknown, inExtensions = false): boolean {
  if (v === null) return !inExtensions;
  if (Array.isArray(v)) return Array.from(v).some((x) => x === undefined || hasNull(x, inExtensions));
  if (typeof v === 'object' && v)
    return Object.entries(v).some(([k, x]) => hasNull(x, inExtensions || k === 'extensions'));
  return false;
}

describe('fuzz', () => {
  const seeds: Array<[XapiVersion, unknown[]]> = [
    ['1.0.3', Object.values(validStatements)],
    ['2.0.0', [...Object.values(validStatements), ...Object.values(validStatements2)]],
  ];
  for (const [version, corpus] of seeds) {
    it(`never throws anything but XapiValidationError and never accepts a null (${version}, 3000 mutants)`, () => {
      const random = rng(version === '1.0.3' ? 103 : 200);
      const schema = statementSchemaFor(version);
      let accepted = 0;
      for (let i = 0; i < 3000; i++) {
        const mutant = mutate(corpus[i % corpus.length], random);
        let ok = false;
        try {
          const [out] = validateStatements(mutant, { version });
          ok = true;
          accepted++;
          expect(hasNull(out), JSON.stringify(mutant)).toBe(false);
          matchKeys(out!);
          statementSignature(out!);
        } catch (e) {
          if (!(e instanceof XapiValidationError))
            throw new Error(`${String(e)} for ${JSON.stringify(mutant)}`);
          expect(e.issues.length).toBeGreaterThan(0);
        }
        expect(schema.safeParse(mutant).success, JSON.stringify(mutant)).toBe(ok);
      }
      expect(accepted).toBeGreaterThan(100); // the mutations also produce valid statements
      expect(accepted).toBeLessThan(2900);
    });
  }
});

const HOSTILE = ['\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'];

/** Where a value sits, written as the validator writes paths (a bad property name JSON-escaped). */
const pathOf = (root: string, keys: (string | number)[]) =>
  root +
  keys
    .map((k) =>
      typeof k === 'number' ? `[${k}]` : /[\0\uD800-\uDFFF]/.test(k) ? `[${JSON.stringify(k)}]` : `.${k}`,
    )
    .join('');

/** Every string value and property name of a JSON tree, by key path. */
function stringSlots(root: unknown): Array<{ keys: (string | number)[]; isKey: boolean }> {
  const out: Array<{ keys: (string | number)[]; isKey: boolean }> = [];
  const walk = (v: unknown, keys: (string | number)[]) => {
    if (typeof v === 'string') out.push({ keys, isKey: false });
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...keys, i]);
    } else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.push({ keys: [...keys, k], isKey: true });
        walk(x, [...keys, k]);
      }
  };
  walk(root, []);
  return out;
}

/** Replaces the string at `keys` (or renames the property, `isKey`) with `f(old)`, in a copy. */
function rewrite(root: unknown, keys: (string | number)[], isKey: boolean, f: (s: string) => string) {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of keys.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = keys.at(-1)!;
  if (isKey) {
    // Rebuild the object so the renamed property keeps its place (issues come in document order).
    const renamed = f(last as string);
    const entries = Object.entries(parent).map(([k, v]) => [k === last ? renamed : k, v] as const);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) parent[k] = v;
    return { statement: copy, keys: [...keys.slice(0, -1), renamed] };
  }
  parent[last] = f(parent[last] as string);
  return { statement: copy, keys };
}

describe('fuzz: NUL, unpaired surrogates and deep nesting in every position', () => {
  const corpus = [...Object.values(validStatements), ...Object.values(validStatements2)];

  it('rejects a NUL or unpaired surrogate in every string and property name, naming its path', () => {
    const random = rng(8);
    let cases = 0;
    for (const statement of corpus) {
      for (const slot of stringSlots(statement)) {
        const bad = HOSTILE[Math.floor(random() * HOSTILE.length)]!;
        const at = (s: string) => Math.floor(random() * (s.length + 1));
        const { statement: mutant, keys } = rewrite(statement, slot.keys, slot.isKey, (s) => {
          const i = at(s);
          return s.slice(0, i) + bad + s.slice(i);
        });
        const path = pathOf('statement[0]', keys);
        let error: unknown;
        try {
          validateStatements([mutant], { version: '2.0.0' });
        } catch (e) {
          error = e;
        }
        expect(error, `${path} with ${JSON.stringify(bad)} was accepted`).toBeInstanceOf(XapiValidationError);
        const issues = (error as XapiValidationError).issues;
        expect(issues.map((i) => i.path)).toEqual([path]);
        expect(issues[0]!.rule).toBe(bad === '\u0000' ? 'nul_character' : 'lone_surrogate');
        expect(statementSchemaFor('2.0.0').safeParse(mutant).success).toBe(false);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(400);
  });

  it('rejects 5,000 and 200,000 levels of nesting in every position without overflowing', () => {
    const deep = [5_000, 200_000].map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown);
    const random = rng(9);
    let cases = 0;
    for (const statement of [validStatements.subStatement, kairosLike(), validStatements2.contextAgents].map(
      (s) => structuredClone(s),
    )) {
      for (const [container, key] of slots(statement)) {
        const c = container as Record<string | number, unknown>;
        const before = c[key];
        c[key] = { nested: deep[Math.floor(random() * deep.length)] };
        let error: unknown;
        try {
          const [out] = validateStatements([statement], { version: '2.0.0' });
          statementSignature(out!);
        } catch (e) {
          error = e;
        }
        c[key] = before;
        expect(error).toBeInstanceOf(XapiValidationError);
        expect((error as XapiValidationError).issues.map((i) => i.rule)).toEqual(['max_depth']);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(50);
  });
});

/** A statement with result and context extensions, where deep values are most likely to be sent. */
function kairosLike(): Record<string, unknown> {
  return structuredClone({
    ...validStatements.minimal,
    result: { response: 'b', extensions: { 'https://x.example/e': { a: [1, { b: 'c' }] } } },
    context: { extensions: { 'https://x.example/c': [] } },
  });
}
