import { type QuizDefinition, quizMaximum } from '@kairos/elements/quiz-definition.js';

/** A built-in quiz: its definition without its IRI (the server's public URL names it). */
export type CatalogQuiz = Omit<QuizDefinition, 'id'>;

/** Something an instructor can place in a course through deep linking. */
export interface CatalogItem {
  id: string;
  title: string;
  description: string;
  kind: 'activity' | 'quiz' | 'dashboard';
  /** Graded items get an AGS line item with this maximum, and scores posted back. */
  scoreMaximum?: number;
  /** `activity`: the lesson shown inside `<kairos-activity>` (trusted HTML, written here). */
  lesson?: string;
  /** `quiz`: what `<kairos-quiz>` renders. */
  quiz?: CatalogQuiz;
}

const FRACTIONS = 'https://kairos.example/competencies/fractions';

const FRACTIONS_QUIZ: CatalogQuiz = {
  title: 'Fractions — quiz',
  attempts: 2,
  passMark: 0.6,
  questions: [
    {
      type: 'choice',
      prompt: 'Which fraction is equal to 1/2?',
      choices: [
        { id: 'a', label: '2/4' },
        { id: 'b', label: '2/3' },
        { id: 'c', label: '3/4' },
      ],
      correct: 'a',
      points: 2,
      feedback: { incorrect: 'Multiply the top and the bottom of 1/2 by the same number.' },
      competencies: [`${FRACTIONS}/equivalence`],
    },
    {
      type: 'true-false',
      prompt: '3/4 is larger than 2/3.',
      correct: true,
      points: 2,
      feedback: { incorrect: 'Compare 9/12 with 8/12.' },
      competencies: [`${FRACTIONS}/comparison`],
    },
    {
      type: 'fill-in',
      prompt: '1/4 + 1/4 = ? (write it as a simplified fraction)',
      correct: ['1/2'],
      points: 2,
      feedback: { incorrect: '1/4 + 1/4 = 2/4, which simplifies to 1/2.' },
      competencies: [`${FRACTIONS}/addition`],
    },
    {
      type: 'numeric',
      prompt: 'What is 3/4 as a decimal number?',
      correct: 0.75,
      points: 2,
      feedback: { incorrect: '3 ÷ 4 = 0.75.' },
      competencies: [`${FRACTIONS}/decimals`],
    },
    {
      type: 'ordering',
      prompt: 'Order these fractions from the smallest to the largest.',
      choices: [
        { id: 'half', label: '1/2' },
        { id: 'third', label: '1/3' },
        { id: 'three-quarters', label: '3/4' },
      ],
      correct: ['third', 'half', 'three-quarters'],
      points: 2,
      competencies: [`${FRACTIONS}/comparison`],
    },
  ],
};

const FRACTIONS_LESSON = `<h2>What a fraction says</h2>
<p>A fraction such as <strong>3/4</strong> reads "three quarters": the whole is cut into 4 equal parts (the
bottom number) and we take 3 of them (the top number).</p>
<h2>Equal fractions</h2>
<p>Multiplying the top and the bottom by the same number gives an equal fraction: 1/2 = 2/4 = 3/6.</p>
<h2>Adding fractions</h2>
<p>With the same bottom number, add the tops: 1/4 + 2/4 = 3/4. Otherwise, first rewrite both fractions with
a common bottom number: 1/2 + 1/3 = 3/6 + 2/6 = 5/6.</p>`;

/**
 * The built-in catalog of placeable items: a lesson tracked by `<kairos-activity>`, a graded quiz rendered
 * by `<kairos-quiz>`, and the dashboard (instructors get the course view; learners their own progress).
 * Teachers also write their own quizzes in the picker (lti/quiz-authoring.ts).
 */
export const CATALOG: readonly CatalogItem[] = [
  {
    id: 'dashboard',
    title: 'Kairos dashboard',
    description: 'Who is stuck where, and which competencies each learner has acquired.',
    kind: 'dashboard',
  },
  {
    id: 'fractions-intro',
    title: 'Fractions — introduction',
    description: 'A tracked lesson: time spent and completion are recorded.',
    kind: 'activity',
    lesson: FRACTIONS_LESSON,
  },
  {
    id: 'fractions-quiz',
    title: 'Fractions — quiz',
    description: 'A graded quiz; the score goes to the grade book.',
    kind: 'quiz',
    quiz: FRACTIONS_QUIZ,
    scoreMaximum: quizMaximum({ id: 'about:blank', ...FRACTIONS_QUIZ }),
  },
];

/** A catalog item by id (the `activity` custom parameter of a link). */
export function activityById(id: string | undefined): CatalogItem | undefined {
  return id === undefined ? undefined : CATALOG.find((i) => i.id === id);
}
