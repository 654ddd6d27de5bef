import { describe, expect, it } from 'vitest';
import { toDuration } from '../util/duration.js';
import { hash, uuid } from '../util/ids.js';
import { formatResponse, isCorrect, toInteraction } from './interaction.js';

describe('formatResponse (cmi.interaction formats)', () => {
  it.each([
    ['true-false', true, 'true'],
    ['choice', ['a', 'c'], 'a[,]c'],
    ['fill-in', ['Paris', 'Lyon'], 'Paris[,]Lyon'],
    ['long-fill-in', 'Une longue réponse', 'Une longue réponse'],
    ['numeric', 42, '42'],
    ['numeric range', { min: 1, max: 5 }, '1[:]5'],
    ['numeric open range', { min: 1 }, '1[:]'],
    [
      'matching',
      [
        ['1', 'b'],
        ['2', 'a'],
      ],
      '1[.]b[,]2[.]a',
    ],
    ['sequencing', ['c', 'a', 'b'], 'c[,]a[,]b'],
  ] as const)('%s', (_, r, out) => expect(formatResponse(r as never)).toBe(out));
});

describe('isCorrect', () => {
  it('compares formatted responses, with several patterns', () => {
    const q = {
      id: 'https://x/q',
      interactionType: 'choice' as const,
      correct: { any: [['a'], ['b', 'c']] },
    };
    expect(isCorrect(q, ['b', 'c'])).toBe(true);
    expect(isCorrect(q, ['c'])).toBe(false);
    expect(isCorrect({ id: 'https://x/q', interactionType: 'choice' }, ['c'])).toBeUndefined();
  });
  it('accepts a number inside a numeric range', () => {
    const q = { id: 'https://x/q', interactionType: 'numeric' as const, correct: { min: 3, max: 4 } };
    expect(isCorrect(q, 3.5)).toBe(true);
    expect(isCorrect(q, 5)).toBe(false);
  });
});

describe('toInteraction', () => {
  it('builds a cmi.interaction activity with components in the tracker language', () => {
    expect(
      toInteraction(
        {
          id: 'https://x/q1',
          name: 'Capitale',
          interactionType: 'matching',
          source: [{ id: '1', name: 'France' }],
          target: ['a'],
          correct: [['1', 'a']],
        },
        'fr',
      ),
    ).toEqual({
      objectType: 'Activity',
      id: 'https://x/q1',
      definition: {
        name: { fr: 'Capitale' },
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        interactionType: 'matching',
        correctResponsesPattern: ['1[.]a'],
        source: [{ id: '1', description: { fr: 'France' } }],
        target: [{ id: 'a' }],
      },
    });
  });
});

describe('utilities', () => {
  it('formats ISO 8601 durations with centiseconds', () => {
    expect(toDuration(0)).toBe('PT0S');
    expect(toDuration(3723450)).toBe('PT1H2M3.45S');
    expect(toDuration(60_000)).toBe('PT1M');
    expect(toDuration(1234)).toBe('PT1.23S');
  });
  it('makes v4 UUIDs, with or without crypto.randomUUID', () => {
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(uuid()).toMatch(re);
    const saved = crypto.randomUUID;
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(uuid()).toMatch(re);
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: saved, configurable: true });
    }
  });
  it('hashes deterministically', () => {
    expect(hash('abc')).toBe(hash('abc'));
    expect(hash('abc')).not.toBe(hash('abd'));
  });
});
