import type { QuizDefinition } from '@kairos/elements/quiz-definition.js';
import { describe, expect, it } from 'vitest';
import { quizFromForm } from './quiz-form.js';
import { emptyQuestion, formFromBody, formFromDefinition } from './quiz-form-fields.js';

describe('formFromBody', () => {
  it('reads the quiz and its questions in the order of their numbers, CRLF as LF, missing fields empty', () => {
    const form = formFromBody({
      session: 'x',
      title: 'Capitals',
      attempts: '2',
      passMark: '70',
      q10_type: 'numeric',
      q10_value: '3',
      q2_type: 'choice',
      q2_prompt: 'Capital of France?',
      q2_choices: '*Paris\r\nLyon\r\n',
      q2_points: ['2', '3'],
      json: '',
    });
    expect(form).toMatchObject({ title: 'Capitals', attempts: '2', passMark: '70', json: '' });
    expect(form.questions).toEqual([
      { ...emptyQuestion(), points: '2', prompt: 'Capital of France?', choices: '*Paris\nLyon\n' },
      { ...emptyQuestion(), type: 'numeric', points: '', value: '3' },
    ]);
  });

  it('a competency picked in the "add" box joins the list, once', () => {
    const form = formFromBody({
      q1_type: 'true-false',
      q1_competencies: 'https://c.example/a\n',
      q1_competency: ' https://c.example/b ',
      q2_type: 'true-false',
      q2_competencies: 'https://c.example/a',
      q2_competency: 'https://c.example/a',
    });
    expect(form.questions.map((q) => q.competencies)).toEqual([
      'https://c.example/a\nhttps://c.example/b',
      'https://c.example/a',
    ]);
  });
});

const CAPITALS: QuizDefinition = {
  id: 'https://school.example/quiz/capitals',
  title: 'Capitals',
  attempts: 2,
  passMark: 0.7,
  questions: [
    {
      type: 'choice',
      id: 'https://school.example/quiz/capitals/france',
      prompt: 'Capital of France?',
      choices: [
        { id: 'paris', label: 'Paris', feedback: 'Yes, since 508.' },
        { id: 'lyon', label: 'Lyon' },
      ],
      correct: 'paris',
      points: 2,
      competencies: ['https://school.example/competencies/capitals'],
      feedback: { correct: 'Well done.', incorrect: 'Look at the map again.' },
    },
    {
      type: 'choice',
      multiple: true,
      prompt: 'Which are in Italy?',
      choices: [
        { id: 'rome', label: 'Rome' },
        { id: 'milan', label: 'Milan' },
        { id: 'star', label: '*Nice' },
      ],
      correct: ['rome', 'milan'],
    },
    { type: 'true-false', prompt: 'Rome is the capital of Italy.', correct: true, feedback: 'See Rome.' },
    { type: 'fill-in', prompt: 'Capital of Spain?', correct: ['Madrid', 'Madrí'], caseSensitive: true },
    { type: 'numeric', prompt: 'π to two decimals?', correct: 3.14, tolerance: 0.005 },
    { type: 'numeric', prompt: 'A number between 1 and 5', correct: { min: 1, max: 5 } },
    {
      type: 'ordering',
      prompt: 'From smallest to largest',
      choices: [
        { id: 'half', label: '½' },
        { id: 'whole', label: '1' },
        { id: 'third', label: '⅓' },
      ],
      correct: ['third', 'half', 'whole'],
    },
    {
      type: 'matching',
      prompt: 'Match each country to its capital',
      choices: [
        { id: 'fr', label: 'France' },
        { id: 'it', label: 'Italy' },
      ],
      targets: [
        { id: 'paris', label: 'Paris' },
        { id: 'rome', label: 'Rome' },
        { id: 'lyon', label: 'Lyon' },
      ],
      correct: { fr: 'paris', it: 'rome' },
    },
    { type: 'long-text', prompt: 'Why do countries have capitals?', feedback: 'Your teacher will read it.' },
  ],
};

describe('formFromDefinition (a pasted JSON quiz into the editor)', () => {
  const { form, dropped } = formFromDefinition(CAPITALS);

  it('writes each question with the editor rules', () => {
    expect(form).toMatchObject({ title: 'Capitals', attempts: '2', passMark: '70', json: '' });
    const q = form.questions;
    expect(q[0]).toMatchObject({
      type: 'choice',
      choices: '*Paris\nLyon',
      points: '2',
      feedbackCorrect: 'Well done.',
      feedbackIncorrect: 'Look at the map again.',
      competencies: 'https://school.example/competencies/capitals',
    });
    expect(q[1]).toMatchObject({ type: 'choice-multiple', choices: '*Rome\n*Milan\n\\*Nice', points: '1' });
    expect(q[2]).toMatchObject({
      truth: 'true',
      feedbackCorrect: 'See Rome.',
      feedbackIncorrect: 'See Rome.',
    });
    expect(q[3]).toMatchObject({ type: 'fill-in', answers: 'Madrid\nMadrí' });
    expect(q[4]).toMatchObject({ type: 'numeric', value: '3.14', tolerance: '0.005' });
    expect(q[6]).toMatchObject({ type: 'ordering', choices: '⅓\n½\n1' });
    expect(q[7]).toMatchObject({ type: 'matching', choices: 'France = Paris\nItaly = Rome\n= Lyon' });
    expect(q[8]).toMatchObject({ type: 'long-text', feedbackCorrect: 'Your teacher will read it.' });
  });

  it('names what the editor cannot show', () => {
    expect(dropped).toEqual([
      'question 1: its id',
      'question 1: feedback of each choice',
      'question 4: case-sensitive answers',
      'question 6: a range of right values',
    ]);
  });

  it('saved again, the questions score as before (but the range, dropped)', () => {
    const r = quizFromForm(form, 'https://kairos.test/q');
    expect(!r.ok && r.errors).toEqual([
      { field: 'q6_value', message: 'Question 6, right value: a number (3.5 or 3,5)' },
    ]);
    form.questions[5]!.value = '3';
    const again = quizFromForm(form, 'https://kairos.test/q');
    if (!again.ok) throw new Error(JSON.stringify(again.errors));
    const [choice, multiple, , fill, numeric, , ordering, matching] = again.definition.questions;
    expect(choice).toMatchObject({ correct: 'a', choices: [{ label: 'Paris' }, { label: 'Lyon' }] });
    expect(multiple).toMatchObject({ multiple: true, correct: ['a', 'b'] });
    expect(multiple!.choices![2]!.label).toBe('*Nice');
    expect(fill!.correct).toEqual(['Madrid', 'Madrí']);
    expect(numeric).toMatchObject({ correct: 3.14, tolerance: 0.005 });
    const label = (id: string, list = ordering!.choices!) => list.find((c) => c.id === id)!.label;
    expect((ordering!.correct as string[]).map((id) => label(id))).toEqual(['⅓', '½', '1']);
    const pairs = Object.entries(matching!.correct as Record<string, string>).map(
      ([s, t]) => `${label(s, matching!.choices)} = ${label(t, matching!.targets)}`,
    );
    expect(pairs).toEqual(['France = Paris', 'Italy = Rome']);
    expect(matching!.targets).toHaveLength(3);
  });
});
