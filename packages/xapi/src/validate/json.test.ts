import { describe, expect, it } from 'vitest';
import { XapiValidationError } from '../errors.js';
import { isIri } from '../formats.js';
import { canonicalJson, statementSignature } from '../signature.js';
import { kairosAnswered } from '../test-support/fixtures.js';
import { statementIssues, validateStatements } from './index.js';
import { jsonIssues, MAX_JSON_DEPTH, stringProblem } from './json.js';

/** `n` arrays inside one another (JSON.parse builds it without recursion, as a request body would). */
const nest = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
const withExtension = (value: unknown) => ({
  ...structuredClone(kairosAnswered),
  result: { response: 'b', extensions: { 'https://x.example/e': value } },
});
const version = '2.0.0' as const;
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('nesting depth', () => {
  // statement (1) › result (2) › extensions (3) › the value's arrays from level 4
  const deepestAllowed = MAX_JSON_DEPTH - 3;

  it(`accepts a statement nested exactly ${MAX_JSON_DEPTH} levels deep, and signs it`, () => {
    const s = withExtension(nest(deepestAllowed));
    expect(statementIssues(s, { version })).toEqual([]);
    expect(statementSignature(validateStatements(s, { version })[0]!)).toContain('[[[');
  });

  it('rejects one level more, naming the path of the first level too deep', () => {
    const issues = statementIssues(withExtension(nest(deepestAllowed + 1)), { version });
    const path = `statement.result.extensions.https://x.example/e${'[0]'.repeat(deepestAllowed)}`;
    expect(issues).toEqual([
      {
        path,
        rule: 'max_depth',
        message: `${path}: nests objects and arrays more than 64 levels deep, the most this LRS accepts: flatten it (deep data can travel as a JSON string)`,
      },
    ]);
  });

  for (const depth of [5_000, 200_000]) {
    it(`answers ${depth} levels with a validation error, not a stack overflow`, () => {
      const e = thrown(() => validateStatements([withExtension(nest(depth))], { version }));
      expect(e).toBeInstanceOf(XapiValidationError);
      expect((e as XapiValidationError).issues.map((i) => i.rule)).toEqual(['max_depth']);
      expect((e as XapiValidationError).message).toMatch(/^statement\[0\]\.result\.extensions/);
    });
  }

  it('rejects a 200,000-deep array sent as the batch itself', () => {
    const e = thrown(() => validateStatements(nest(200_000), { version })) as XapiValidationError;
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe(`statement[0]${'[0]'.repeat(MAX_JSON_DEPTH)}`);
  });

  it('canonicalJson refuses deep values with a RangeError that says what to do', () => {
    expect(() => canonicalJson(nest(200_000))).toThrow(
      /nests more than 64 levels deep; check it with jsonIssues/,
    );
    expect(canonicalJson(nest(MAX_JSON_DEPTH))).toBe('['.repeat(64) + ']'.repeat(64));
  });

  it('bounds cyclic hand-built objects too', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(jsonIssues(a, 'x').map((i) => i.rule)).toEqual(['max_depth']);
  });
});

describe('strings: NUL and unpaired surrogates', () => {
  it('rejects U+0000 in actor.account.name, naming the path', () => {
    const s = structuredClone(kairosAnswered) as any;
    s.actor.account.name = 'sub\u000042';
    const e = thrown(() => validateStatements([s], { version })) as XapiValidationError;
    expect(e.issues).toEqual([
      {
        path: 'statement[0].actor.account.name',
        rule: 'nul_character',
        message:
          'statement[0].actor.account.name: contains U+0000 (NUL) at position 3, which cannot be stored: remove it (send binary data as an attachment, or encode it, e.g. base64)',
      },
    ]);
  });

  it('rejects lone high and low surrogates in response, language maps and extensions', () => {
    const s = structuredClone(kairosAnswered) as any;
    s.result.response = 'ok \uD83D';
    s.verb.display.en = '\uDE00 answered';
    s.context.extensions = { 'https://x.example/e': { deep: ['fine', 'bad\uDC00'] } };
    expect(statementIssues(s, { version }).map((i) => [i.path, i.rule])).toEqual([
      ['statement.verb.display.en', 'lone_surrogate'],
      ['statement.result.response', 'lone_surrogate'],
      ['statement.context.extensions.https://x.example/e.deep[1]', 'lone_surrogate'],
    ]);
    expect(statementIssues(s, { version })[0]!.message).toBe(
      'statement.verb.display.en: contains an unpaired UTF-16 surrogate (\\uDE00) at position 0, which is not Unicode text: send well-formed text (an emoji needs both halves of its surrogate pair)',
    );
  });

  it('rejects bad property names, shown JSON-escaped in the path', () => {
    const s = structuredClone(kairosAnswered) as any;
    s.result.extensions = { 'https://x.example/\u0000': 1 };
    s.verb.display['en\uD800'] = 'x';
    expect(statementIssues(s, { version }).map((i) => i.message)).toEqual([
      'statement.verb.display["en\\ud800"]: the property name contains an unpaired UTF-16 surrogate (\\uD800) at position 2, which is not Unicode text: send well-formed text (an emoji needs both halves of its surrogate pair)',
      'statement.result.extensions["https://x.example/\\u0000"]: the property name contains U+0000 (NUL) at position 18, which cannot be stored: remove it (send binary data as an attachment, or encode it, e.g. base64)',
    ]);
  });

  it('accepts surrogate pairs (emoji), other control characters and U+FFFF', () => {
    const s = structuredClone(kairosAnswered) as any;
    s.result.response = '😀 \u0001\t\uFFFF 𝄞';
    expect(statementIssues(s, { version })).toEqual([]);
    expect(stringProblem('😀')).toBeUndefined();
    expect(stringProblem('\uD83D\uD83D\uDE00')?.rule).toBe('lone_surrogate');
  });

  it('caps the issues of one value and can skip strings (opaque documents)', () => {
    const many = Array.from({ length: 1000 }, () => '\u0000');
    expect(jsonIssues(many, 'doc')).toHaveLength(20);
    expect(jsonIssues(many, 'doc', { strings: false })).toEqual([]);
    expect(jsonIssues(nest(70), 'doc', { strings: false, maxDepth: 100 })).toEqual([]);
  });

  it('refuses unpaired surrogates in IRIs (query parameters are checked with isIri)', () => {
    expect(isIri('http://example.com/\uD800')).toBe(false);
    expect(isIri('http://example.com/\u0000')).toBe(false);
    expect(isIri('http://example.com/😀')).toBe(true);
  });
});
