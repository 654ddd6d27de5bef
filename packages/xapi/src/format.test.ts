import { describe, expect, it } from 'vitest';
import { formatStatement, parseAcceptLanguage, pickLanguage } from './format.js';
import { kairosAnswered, validStatements } from './test-support/fixtures.js';

describe('formatStatement', () => {
  it('exact returns the statement as stored', () => {
    expect(formatStatement(kairosAnswered, 'exact')).toBe(kairosAnswered);
  });

  it('ids keeps only identifiers', () => {
    const s = formatStatement(
      { ...kairosAnswered, actor: { objectType: 'Agent', name: 'Ann', mbox: 'mailto:ann@x.org' } },
      'ids',
    );
    expect(s.actor).toEqual({ objectType: 'Agent', mbox: 'mailto:ann@x.org' });
    expect(s.verb).toEqual({ id: 'http://adlnet.gov/expapi/verbs/answered' });
    expect(s.object).toEqual({ id: 'https://course.example.edu/quiz/1/q/3' });
    expect(s.result).toEqual(kairosAnswered.result);
    expect(s.context!.contextActivities!.parent).toEqual([{ id: 'https://course.example.edu/quiz/1' }]);
  });

  it('ids keeps the members of Anonymous Groups and drops those of Identified Groups', () => {
    const anon = formatStatement(validStatements.anonymousGroup!, 'ids');
    expect(anon.actor).toEqual({
      objectType: 'Group',
      member: [{ mbox: 'mailto:a@example.com' }, { account: { homePage: 'http://x.example', name: 'b' } }],
    });
    expect(formatStatement(validStatements.identifiedGroup!, 'ids').actor).toEqual({
      objectType: 'Group',
      mbox: 'mailto:team@example.com',
    });
    const full = formatStatement(validStatements.fullContext!, 'ids');
    expect(full.context!.contextActivities!.other).toEqual([{ id: 'http://example.com/objective/1' }]);
    const sub = formatStatement(validStatements.subStatement!, 'ids').object as any;
    expect(sub.verb).toEqual({ id: 'http://example.com/verbs/will-visit' });
  });

  it('canonical keeps one language per map, chosen by Accept-Language', () => {
    const s = formatStatement(validStatements.minimal!, 'canonical', ['en-US']);
    expect(s.verb.display).toEqual({ 'en-US': 'attended' });
    expect(formatStatement(validStatements.minimal!, 'canonical', ['en']).verb.display).toEqual({
      'en-GB': 'attended',
    });
    const k = formatStatement(kairosAnswered, 'canonical', ['fr']).object as any;
    expect(k.definition.name).toEqual({ fr: 'Question 3' });
    expect(k.definition.choices[0].description).toEqual({ en: 'Paris' });
    expect(formatStatement(kairosAnswered, 'canonical').actor).toBe(kairosAnswered.actor);
    expect((kairosAnswered.object as any).definition.name).toEqual({ en: 'Question 3', fr: 'Question 3' }); // not mutated
  });
});

describe('language helpers', () => {
  it('parses Accept-Language by q-value', () => {
    expect(parseAcceptLanguage('fr-CA, fr;q=0.9, en;q=0.5, *;q=0.1')).toEqual(['fr-CA', 'fr', 'en']);
    expect(parseAcceptLanguage('de;q=0.2, es')).toEqual(['es', 'de']);
    expect(parseAcceptLanguage(undefined)).toEqual([]);
  });

  it('falls back to und, then the first entry', () => {
    expect(pickLanguage({ de: 'x', und: 'y' }, ['fr'])).toEqual({ und: 'y' });
    expect(pickLanguage({ de: 'x', it: 'y' }, ['fr'])).toEqual({ de: 'x' });
    expect(pickLanguage({ 'FR-ca': 'x', en: 'y' }, ['fr-CA'])).toEqual({ 'FR-ca': 'x' });
  });
});
