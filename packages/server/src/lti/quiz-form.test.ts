import { parseQuizDefinition, quizMaximum } from '@kairos/elements/quiz-definition.js';
import { describe, expect, it } from 'vitest';
import { mixed, quizFromForm, typedNumber } from './quiz-form.js';
import { emptyQuestion, type QuestionForm, type QuizForm } from './quiz-form-fields.js';

const IRI = 'https://kairos.test/lti/t1/quizzes/q-1';
const quiz = (questions: Partial<QuestionForm>[], over: Partial<QuizForm> = {}): QuizForm => ({
  title: 'Capitals',
  attempts: '1',
  passMark: '',
  json: '',
  questions: questions.map((q) => ({ ...emptyQuestion(), prompt: 'Which?', ...q })),
  ...over,
});
const one = (q: Partial<QuestionForm>) => {
  const r = quizFromForm(quiz([q]), IRI);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition.questions[0]!;
};
const errors = (q: Partial<QuestionForm>[], over?: Partial<QuizForm>) => {
  const r = quizFromForm(quiz(q, over), IRI);
  return r.ok ? [] : r.errors;
};

describe('quizFromForm: each question type', () => {
  it('choice, one answer: a leading * marks the correct line, ids a, b, c', () => {
    expect(one({ type: 'choice', choices: '*Paris\nLyon\n Marseille ', points: '2' })).toEqual({
      type: 'choice',
      prompt: 'Which?',
      choices: [
        { id: 'a', label: 'Paris' },
        { id: 'b', label: 'Lyon' },
        { id: 'c', label: 'Marseille' },
      ],
      correct: 'a',
      points: 2,
    });
  });

  it('choice, one answer, with several *: any of them is right; "* x" and "\\*x"', () => {
    const q = one({ type: 'choice', choices: '* 2/4\n\\*star\n*3/6' });
    expect(q.choices!.map((c) => c.label)).toEqual(['2/4', '*star', '3/6']);
    expect(q.correct).toEqual(['a', 'c']);
    expect(q.multiple).toBeUndefined();
  });

  it('choice, several answers: checkboxes, the starred set', () => {
    const q = one({ type: 'choice-multiple', choices: '*Rome\n*Milan\nNice' });
    expect(q).toMatchObject({ type: 'choice', multiple: true, correct: ['a', 'b'] });
  });

  it('true or false', () => {
    expect(one({ type: 'true-false', truth: 'false' })).toMatchObject({ type: 'true-false', correct: false });
    expect(one({ type: 'true-false', truth: 'true' }).correct).toBe(true);
  });

  it('fill-in: accepted answers one per line, blank lines ignored', () => {
    expect(one({ type: 'fill-in', answers: 'Madrid\n  Madrí \n\n' })).toMatchObject({
      type: 'fill-in',
      correct: ['Madrid', 'Madrí'],
    });
  });

  it('numeric: value and tolerance, as a teacher types them (3,14)', () => {
    expect(one({ type: 'numeric', value: '3,14', tolerance: '0.005' })).toMatchObject({
      correct: 3.14,
      tolerance: 0.005,
    });
    const exact = one({ type: 'numeric', value: '-2', tolerance: '0' });
    expect(exact.correct).toBe(-2);
    expect(exact.tolerance).toBeUndefined();
  });

  it('ordering: lines in the right order, shown mixed', () => {
    const q = one({ type: 'ordering', choices: '⅓\n½\n1' });
    expect(q.correct).toEqual(['a', 'b', 'c']);
    expect(q.choices!.map((c) => c.id)).not.toEqual(['a', 'b', 'c']);
    expect([...q.choices!].sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', label: '⅓' },
      { id: 'b', label: '½' },
      { id: 'c', label: '1' },
    ]);
  });

  it('matching: left = right; a shared right side; "= x" adds a target that matches nothing', () => {
    const q = one({ type: 'matching', choices: 'France = Paris\nItaly=Rome\nÎle-de-France = Paris\n= Lyon' });
    expect(q.choices).toEqual([
      { id: 'a', label: 'France' },
      { id: 'b', label: 'Italy' },
      { id: 'c', label: 'Île-de-France' },
    ]);
    expect([...q.targets!].sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: '1', label: 'Paris' },
      { id: '2', label: 'Rome' },
      { id: '3', label: 'Lyon' },
    ]);
    expect(q.targets!.map((t) => t.id)).not.toEqual(['1', '2', '3']);
    expect(q.correct).toEqual({ a: '1', b: '2', c: '1' });
  });

  it('long text: not scored (no points, no correct); its feedback shows whatever the answer', () => {
    const q = one({ type: 'long-text', points: '3', feedbackCorrect: 'Your teacher will read it.' });
    expect(q).toEqual({ type: 'long-text', prompt: 'Which?', feedback: 'Your teacher will read it.' });
  });

  it('feedback when correct and incorrect; competencies one per line', () => {
    const q = one({
      type: 'true-false',
      truth: 'true',
      feedbackCorrect: ' Well done. ',
      feedbackIncorrect: '',
      competencies: 'https://school.example/c/1\n\nurn:x:c2\n',
    });
    expect(q.feedback).toEqual({ correct: 'Well done.' });
    expect(q.competencies).toEqual(['https://school.example/c/1', 'urn:x:c2']);
  });
});

describe('quizFromForm: the quiz', () => {
  it('title, attempts, pass mark in % (70, 70 %, 62,5); empty points are 1; the result is valid', () => {
    for (const [typed, share] of [
      ['70', 0.7],
      ['70 %', 0.7],
      ['62,5', 0.625],
      ['33.3', 0.333],
    ] as const) {
      const r = quizFromForm(
        quiz([{ type: 'true-false', truth: 'true', points: '' }], { passMark: typed, attempts: '0' }),
        IRI,
      );
      expect(r.ok && r.definition).toMatchObject({
        id: IRI,
        title: 'Capitals',
        attempts: 0,
        passMark: share,
      });
    }
    const r = quizFromForm(
      quiz(
        [
          { type: 'choice', choices: '*a\nb', points: '2' },
          { type: 'numeric', value: '4', points: '1.5' },
          { type: 'long-text', points: '10' },
        ],
        { attempts: '', passMark: '' },
      ),
      IRI,
    );
    if (!r.ok) throw new Error('invalid');
    expect(r.definition.attempts).toBeUndefined();
    expect(r.definition.passMark).toBeUndefined();
    expect(parseQuizDefinition(r.definition)).toBe(r.definition);
    expect(quizMaximum(r.definition)).toBe(3.5);
  });

  it('clear errors, each on its field, in the order of the form', () => {
    expect(
      errors(
        [
          { type: 'choice', prompt: ' ', choices: 'Paris\nLyon' },
          { type: 'true-false', points: '-1' },
        ],
        { title: '', attempts: '1.5', passMark: '120' },
      ),
    ).toEqual([
      { field: 'title', message: 'Quiz title: write one (it names the activity in your course)' },
      { field: 'attempts', message: 'Attempts: a whole number (0 for no limit)' },
      { field: 'passMark', message: 'Pass mark: a percentage between 0 and 100' },
      { field: 'q1_prompt', message: 'Question 1, text: write what the learner is asked' },
      { field: 'q1_choices', message: 'Question 1, choices: start the correct choice with a *' },
      { field: 'q2_truth', message: 'Question 2, answer: choose true or false' },
      { field: 'q2_points', message: 'Question 2, points: a number, 0 or more' },
    ]);
  });

  it.each([
    [{ type: 'choice', choices: '*only' }, 'q1_choices', 'choices: write at least two, one per line'],
    [{ type: 'choice', choices: '*Paris\nParis' }, 'q1_choices', 'choices: “Paris” is there twice'],
    [
      { type: 'choice-multiple', choices: 'a\nb' },
      'q1_choices',
      'choices: start each correct choice with a *',
    ],
    [
      { type: 'ordering', choices: 'one' },
      'q1_choices',
      'items: write at least two, one per line, in the right order',
    ],
    [{ type: 'ordering', choices: 'x\ny\nx' }, 'q1_choices', 'items: “x” is there twice'],
    [
      { type: 'matching', choices: 'France = Paris\nItaly' },
      'q1_choices',
      'pairs: line 2 (“Italy”) needs the form left = right',
    ],
    [
      { type: 'matching', choices: 'France = Paris\nItaly =' },
      'q1_choices',
      'pairs: line 2 (“Italy =”) needs the form left = right',
    ],
    [{ type: 'matching', choices: 'a = 1\na = 2\nb = 3' }, 'q1_choices', 'pairs: “a” is on the left twice'],
    [
      { type: 'matching', choices: 'a = 1\n= 2' },
      'q1_choices',
      'pairs: write at least two pairs, one per line as left = right',
    ],
    [
      { type: 'fill-in', answers: '\n \n' },
      'q1_answers',
      'accepted answers: write at least one, one per line',
    ],
    [{ type: 'numeric', value: 'three' }, 'q1_value', 'right value: a number (3.5 or 3,5)'],
    [{ type: 'numeric', value: '3', tolerance: '-1' }, 'q1_tolerance', 'tolerance: a number, 0 or more'],
    [{ type: 'essay' }, 'q1_type', 'type: choose one of the list'],
    [{ type: 'toString' }, 'q1_type', 'type: choose one of the list'],
    [
      { type: 'true-false', truth: 'true', competencies: 'https://ok.example/c\nfractions' },
      'q1_competencies',
      "competencies: “fractions” is not an IRI; write each one's full address (https://…)",
    ],
  ] as [Partial<QuestionForm>, string, string][])('%j → %s', (q, field, message) => {
    expect(errors([q])).toEqual([{ field, message: `Question 1, ${message}` }]);
  });

  it('a quiz without questions points at "Add a question"', () => {
    expect(errors([])).toEqual([{ field: 'add-question', message: 'Questions: add at least one' }]);
  });

  it("what the form lets through and the element refuses still comes back as errors (parseQuizDefinition's)", () => {
    const r = quizFromForm(quiz([{ type: 'true-false', truth: 'true' }]), 'not an IRI');
    expect(r).toEqual({
      ok: false,
      errors: [{ field: 'title', message: 'id: an activity IRI is required' }],
    });
  });
});

describe('form helpers', () => {
  it('typedNumber reads 3.5, 3,5, 1 000, -2, .5 and nothing else', () => {
    expect(['3.5', '3,5', '1 000', '-2', '.5', '+4'].map(typedNumber)).toEqual([3.5, 3.5, 1000, -2, 0.5, 4]);
    expect(['', 'x', '1e3', '1,2,3', '--1'].map(typedNumber)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('mixed: the same items, never in the given order, the same each time', () => {
    for (const n of [2, 3, 4, 5, 8]) {
      const items = Array.from({ length: n }, (_, i) => ({ id: String(i), label: `item ${i}` }));
      const out = mixed(items);
      expect(out).not.toEqual(items);
      expect([...out].sort((a, b) => Number(a.id) - Number(b.id))).toEqual(items);
      expect(mixed(items)).toEqual(out);
    }
  });
});
