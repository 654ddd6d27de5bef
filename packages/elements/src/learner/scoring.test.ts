import { formatResponse } from '@kairos/sdk';
import { describe, expect, it } from 'vitest';
import { parseQuizDefinition, QuizDefinitionError } from './definition.js';
import { judge, parseNumber, passMarkOf, type QuestionSpec, quizScore, toQuestionInput } from './scoring.js';

const base = { id: 'https://x/q', prompt: 'Q', points: 1, competencies: [], choices: [] };
const choices = [
  { id: 'a', label: 'A', feedback: 'A is wrong' },
  { id: 'b', label: 'B' },
  { id: 'c', label: 'C' },
];
const q = (over: Partial<QuestionSpec>): QuestionSpec => ({ ...base, type: 'choice', ...over });
/** What the statement carries: the formatted correct responses. */
const patterns = (s: QuestionSpec) => {
  const c = toQuestionInput(s).correct;
  if (c === undefined) return undefined;
  return (typeof c === 'object' && 'any' in c ? c.any : [c]).map((p) => formatResponse(p as never));
};

describe('judge: success, points, feedback per type', () => {
  it('single choice: one of the right choices; the picked choice’s feedback and the general one', () => {
    const s = q({ choices, correct: ['b', 'c'], points: 2, feedbackIncorrect: 'Look again.' });
    expect(judge(s, ['c'])).toEqual({ success: true, raw: 2, max: 2, feedback: [] });
    expect(judge(s, ['a'])).toEqual({
      success: false,
      raw: 0,
      max: 2,
      feedback: ['A is wrong', 'Look again.'],
    });
    expect(judge(s, undefined)).toMatchObject({ success: false, raw: 0, max: 2 });
    expect(patterns(s)).toEqual(['b', 'c']);
  });

  it('multiple choice: exactly the right set, in any order', () => {
    const s = q({ choices, multiple: true, correct: ['a', 'c'] });
    expect(judge(s, ['c', 'a']).success).toBe(true);
    expect(judge(s, ['a']).success).toBe(false);
    expect(judge(s, ['a', 'b', 'c']).success).toBe(false);
    expect(patterns(s)).toEqual(['a[,]c']);
  });

  it('true-false', () => {
    const s = q({ type: 'true-false', correct: false, feedback: 'Always shown.' });
    expect(judge(s, false)).toEqual({ success: true, raw: 1, max: 1, feedback: ['Always shown.'] });
    expect(judge(s, true).success).toBe(false);
    expect(patterns(s)).toEqual(['false']);
  });

  it('fill-in: trimmed, spaces collapsed, case ignored unless case-sensitive; one pattern per answer', () => {
    const s = q({ type: 'fill-in', correct: ['Rome', 'Roma'] });
    expect(judge(s, '  rOMe ').success).toBe(true);
    expect(judge(s, 'Milan').success).toBe(false);
    expect(patterns(s)).toEqual(['Rome', 'Roma']);
    const cs = q({ type: 'fill-in', correct: ['NaCl'], caseSensitive: true });
    expect(judge(cs, 'nacl').success).toBe(false);
    expect(judge(cs, 'NaCl').success).toBe(true);
    expect(patterns(cs)).toEqual(['{case_matters=true}NaCl']);
  });

  it('numeric: exact, with a tolerance (no float noise), or a range', () => {
    expect(patterns(q({ type: 'numeric', correct: 42 }))).toEqual(['42']);
    const tol = q({ type: 'numeric', correct: 3.14, tolerance: 0.01 });
    expect(patterns(tol)).toEqual(['3.13[:]3.15']);
    expect(judge(tol, 3.15).success).toBe(true);
    expect(judge(tol, 3.151).success).toBe(false);
    const range = q({ type: 'numeric', correct: { min: 1 } });
    expect(judge(range, 1e6).success).toBe(true);
    expect(judge(range, 0.5).success).toBe(false);
    expect(patterns(range)).toEqual(['1[:]']);
  });

  it('ordering: the exact sequence; sent as a sequencing with choices', () => {
    const s = q({ type: 'ordering', choices, correct: ['c', 'a', 'b'] });
    expect(judge(s, ['c', 'a', 'b']).success).toBe(true);
    expect(judge(s, ['a', 'b', 'c']).success).toBe(false);
    const input = toQuestionInput(s);
    expect(input.interactionType).toBe('sequencing');
    expect(input.choices).toHaveLength(3);
    expect(patterns(s)).toEqual(['c[,]a[,]b']);
  });

  it('matching: every source to its target', () => {
    const s = q({
      type: 'matching',
      choices: [
        { id: 'fr', label: 'France' },
        { id: 'it', label: 'Italy' },
      ],
      targets: [
        { id: 'paris', label: 'Paris' },
        { id: 'rome', label: 'Rome' },
      ],
      correct: { fr: 'paris', it: 'rome' },
    });
    expect(
      judge(s, [
        ['fr', 'paris'],
        ['it', 'rome'],
      ]).success,
    ).toBe(true);
    expect(judge(s, [['fr', 'paris']]).success).toBe(false);
    expect(
      judge(s, [
        ['fr', 'rome'],
        ['it', 'paris'],
      ]).success,
    ).toBe(false);
    expect(patterns(s)).toEqual(['fr[.]paris[,]it[.]rome']);
    expect(toQuestionInput(s)).toMatchObject({
      interactionType: 'matching',
      source: [{ id: 'fr' }, { id: 'it' }],
    });
  });

  it('long text: recorded as long-fill-in, neither right nor wrong, no points at stake', () => {
    const s = q({ type: 'long-text', points: 5 });
    expect(judge(s, 'An essay')).toEqual({ success: undefined, raw: 0, max: 0, feedback: [] });
    expect(toQuestionInput(s)).toEqual({ id: 'https://x/q', name: 'Q', interactionType: 'long-fill-in' });
  });
});

describe('quiz score', () => {
  const right = { success: true, raw: 2, max: 2, feedback: [] };
  const wrong = { success: false, raw: 0, max: 1, feedback: [] };
  const essay = { raw: 0, max: 0, feedback: [] };
  it('sums points, scales, and passes at the pass mark (inclusive)', () => {
    expect(quizScore([right, wrong, essay], 2 / 3)).toEqual({
      raw: 2,
      max: 3,
      scaled: 0.666666666667,
      passed: true,
    });
    expect(quizScore([right, wrong], 0.7).passed).toBe(false);
    expect(quizScore([right, wrong]).passed).toBeUndefined();
    expect(quizScore([essay], 0.5)).toEqual({ raw: 0, max: 0, scaled: undefined, passed: undefined });
  });
  it('reads pass marks as shares or percents', () => {
    expect(passMarkOf('0.7')).toBe(0.7);
    expect(passMarkOf('70%')).toBe(0.7);
    expect(passMarkOf(0.5)).toBe(0.5);
    expect(passMarkOf('')).toBeUndefined();
    expect(passMarkOf('high')).toBeUndefined();
  });
});

describe('parseNumber', () => {
  it.each([
    ['3.5', 3.5],
    ['3,5', 3.5],
    [' -2 ', -2],
    ['1 000', 1000],
    ['1\u202f000,25', 1000.25],
    ['.5', 0.5],
    ['2e3', 2000],
    ['', undefined],
    ['abc', undefined],
    ['3.5.1', undefined],
    ['1,2,3', undefined],
  ])('%j → %j', (text, n) => expect(parseNumber(text)).toBe(n));
});

describe('parseQuizDefinition', () => {
  const ok = {
    id: 'https://school.example/quiz/1',
    title: 'Quiz',
    passMark: 0.5,
    questions: [
      {
        type: 'choice',
        prompt: 'P',
        choices: [
          { id: 'a', label: 'A' },
          { id: 'b', label: 'B' },
        ],
        correct: 'a',
      },
      { type: 'true-false', prompt: 'P', correct: true, competencies: ['https://school.example/c/1'] },
      { type: 'numeric', prompt: 'P', correct: { min: 1, max: 2 } },
      { type: 'long-text', prompt: 'P' },
    ],
  };
  it('accepts a valid quiz as is', () => {
    expect(parseQuizDefinition(ok)).toBe(ok);
  });
  it('lists every problem with its path', () => {
    const bad = {
      id: 'quiz-1',
      passMark: 70,
      questions: [
        {
          type: 'choice',
          prompt: 'P',
          choices: [
            { id: 'a', label: 'A' },
            { id: 'a', label: 'B' },
          ],
        },
        {
          type: 'choice',
          prompt: 'P',
          choices: [
            { id: 'a', label: 'A' },
            { id: 'b', label: 'B' },
          ],
          correct: 'z',
        },
        {
          type: 'ordering',
          prompt: 'P',
          choices: [
            { id: 'a', label: 'A' },
            { id: 'b', label: 'B' },
          ],
          correct: ['a'],
        },
        {
          type: 'matching',
          prompt: 'P',
          choices: [
            { id: 'a', label: 'A' },
            { id: 'b', label: 'B' },
          ],
        },
        { type: 'long-text', prompt: '', correct: 'x', competencies: ['not an iri'] },
        { type: 'essay', prompt: 'P' },
      ],
    };
    let error: QuizDefinitionError | undefined;
    try {
      parseQuizDefinition(bad);
    } catch (e) {
      error = e as QuizDefinitionError;
    }
    expect(error).toBeInstanceOf(QuizDefinitionError);
    expect(error!.code).toBe('invalid_quiz');
    expect(error!.problems).toEqual([
      'id: an activity IRI is required',
      'passMark: a share between 0 and 1',
      'questions[0].choices: ids must be unique',
      'questions[1].correct: choice id(s) of this question',
      'questions[2].correct: every item id, in the right order',
      'questions[3].targets: at least two { id, label }',
      'questions[4].prompt: a text is required',
      'questions[4].competencies: a list of competency IRIs',
      'questions[4].correct: a long text has no correct answer',
      'questions[5].type: one of choice, true-false, fill-in, numeric, ordering, matching, long-text',
    ]);
    expect(error!.message).toMatch(/^the quiz definition is not valid: id: .*docs\/elements\.md/);
    expect(() => parseQuizDefinition({ id: 'https://x/q', questions: [] })).toThrow(
      /questions: at least one/,
    );
  });
});
