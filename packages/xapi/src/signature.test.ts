import { describe, expect, it } from 'vitest';
import { canonicalJson, statementSignature } from './signature.js';
import { kairosAnswered, validStatements, validStatements2 } from './test-support/fixtures.js';
import type { Statement } from './types.js';

const sig = (s: unknown) => statementSignature(s as Statement);
const copy = (): any => structuredClone(kairosAnswered);

describe('statementSignature', () => {
  it('is equal for equivalent statements', () => {
    const a = copy();
    const variants: Array<(s: any) => void> = [
      (s) => delete s.id,
      (s) => (s.stored = '2030-01-01T00:00:00Z'),
      (s) => (s.authority = { mbox: 'mailto:lrs@example.com' }),
      (s) => (s.version = '1.0.3'),
      (s) => (s.timestamp = '2024-05-01T10:30:00.123Z'), // same instant in UTC
      (s) => (s.timestamp = '2024-05-01T10:30:00.1230+00:00'), // more precision, same instant
      (s) => (s.verb.display = { 'fr-FR': 'a répondu' }),
      (s) => delete s.object.definition,
      (s) => (s.context.contextActivities.parent = { id: 'https://course.example.edu/quiz/1' }),
      (s) => s.context.contextActivities.category.push({ id: 'https://kairos.dev/xapi/profile/v1' }),
      (s) => (s.context.registration = s.context.registration.toUpperCase()),
      (s) => (s.context.language = 'FR-fr'),
      (s) => (s.result.duration = 'PT12.504S'), // beyond 0.01 s
      (s) => (s.attachments = validStatements.attachments!.attachments),
      (s) => {
        const reordered: any = {};
        for (const k of Object.keys(s).reverse()) reordered[k] = s[k];
        for (const k of Object.keys(s)) delete s[k];
        Object.assign(s, reordered);
      },
    ];
    for (const change of variants) {
      const b = copy();
      change(b);
      expect(sig(b), change.toString()).toBe(sig(a));
    }
  });

  it('ignores Group member order, mbox scheme/domain case and sha1 case', () => {
    const g1 = {
      objectType: 'Group',
      member: [{ mbox: 'mailto:a@x.org' }, { mbox_sha1sum: 'EBD31E95054C018B10727CCFFD2EF2EC3A016EE9' }],
    };
    const g2 = {
      objectType: 'Group',
      member: [{ mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' }, { mbox: 'MAILTO:a@X.ORG' }],
    };
    const s = (actor: unknown) => ({ ...validStatements.minimal, actor });
    expect(sig(s(g1))).toBe(sig(s(g2)));
    expect(sig(s({ mbox: 'mailto:Ann@Example.com' }))).toBe(
      sig(s({ objectType: 'Agent', mbox: 'mailto:Ann@example.com' })),
    );
  });

  it('differs when the statement differs', () => {
    const a = sig(copy());
    const changes: Array<(s: any) => void> = [
      (s) => (s.timestamp = '2024-05-01T12:30:00.124+02:00'),
      (s) => (s.verb.id = 'http://adlnet.gov/expapi/verbs/attempted'),
      (s) => (s.object.id = 'https://course.example.edu/quiz/1/q/4'),
      (s) => (s.actor.account.name = 'sub-43'),
      (s) => (s.actor.name = 'Ann'),
      (s) => (s.result.score.raw = 0),
      (s) => (s.result.duration = 'PT12.51S'),
      (s) => (s.result.duration = 'PT0M12.5S'), // durations compare as strings
      (s) => (s.context.registration = '6f1f8a0e-2b7c-4d3e-9f10-1a2b3c4d5e60'),
      (s) => (s.context.extensions['https://kairos.dev/xapi/extensions/attempt'] = 3),
      (s) => delete s.context.platform,
      (s) => (s.context.contextActivities.other = [{ id: 'http://example.com/o' }]),
      (s) => (s.actor = { mbox: 'mailto:Ann@example.com' }),
    ];
    for (const change of changes) {
      const b = copy();
      change(b);
      expect(sig(b), change.toString()).not.toBe(a);
    }
    const local = (mbox: string) => sig({ ...validStatements.minimal, actor: { mbox } });
    expect(local('mailto:Ann@example.com')).not.toBe(local('mailto:ann@example.com')); // local part is case-sensitive
  });

  it('can leave the timestamp out', () => {
    const b = copy();
    delete b.timestamp;
    expect(statementSignature(b, { ignoreTimestamp: true })).toBe(
      statementSignature(copy(), { ignoreTimestamp: true }),
    );
    expect(sig(b)).not.toBe(sig(copy()));
  });

  it('normalizes SubStatements too', () => {
    const a: any = structuredClone(validStatements.subStatement);
    const b: any = structuredClone(a);
    b.object.timestamp = '2024-05-01T14:30:00+02:00';
    b.object.context.contextActivities.parent = [b.object.context.contextActivities.parent];
    expect(sig(a)).toBe(sig(b));
    b.object.verb.id = 'http://example.com/verbs/visited';
    expect(sig(a)).not.toBe(sig(b));
  });
});

/** canonicalJson as first written (map and join per level): the stored signatures were computed with it. */
function referenceCanonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => referenceCanonical(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${referenceCanonical(obj[k])}`).join(',')}}`;
}

describe('canonicalJson', () => {
  // strings JSON.stringify escapes, and ones it leaves alone
  const strings = [
    '',
    'plain',
    'quote " inside',
    'back\\slash',
    'new\nline\ttab',
    '\u0000\u001f\u007f',
    '\u2028\u2029',
    'é — ünïcödé',
    '\ud83d\ude00 emoji (a surrogate pair)',
    'lone \ud800 high',
    'lone \udfff low',
    '\\ud800 (escaped text, not a surrogate)',
  ];
  const values: unknown[] = [
    ...strings,
    0,
    -0,
    1.5,
    1e21,
    -1e-7,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    false,
    null,
    [],
    {},
    [1, undefined, 'x', null],
    Object.fromEntries(strings.map((k, i) => [k, i % 2 ? strings[i] : { [k]: [k, i] }])),
    { b: 1, a: undefined, c: { z: [{ y: 'q"', x: '\\' }], é: 1, E: 2, _: 3, '10': 4, '9': 5 } },
    { 'http://example.com/ext': { nested: { deeper: [[[{ k: 'v' }]]] } } },
    ...Object.values(validStatements),
    ...Object.values(validStatements2),
    kairosAnswered,
  ];

  it('gives byte for byte what the first implementation gave (stored signatures stay valid)', () => {
    for (const v of values) expect(canonicalJson(v)).toBe(referenceCanonical(v));
  });

  it('sorts keys and drops undefined properties at every level', () => {
    expect(canonicalJson({ b: { d: 1, c: undefined, a: [{ z: 1, y: 2 }] }, a: 'x' })).toBe(
      '{"a":"x","b":{"a":[{"y":2,"z":1}],"d":1}}',
    );
  });
});
