/**
 * The quiz editor's fields as plain strings: the form model, read from a posted body or made from a quiz
 * definition (a pasted JSON quiz). lti/quiz-editor.ts renders a {@link QuizForm}; lti/quiz-form.ts turns
 * one into a definition.
 */
import type { QuizDefinition } from '@kairos/elements/quiz-definition.js';

/** The question types of the editor: the quiz JSON's, with single and multiple choice apart. */
export const FORM_TYPES = {
  choice: 'Choice — one answer',
  'choice-multiple': 'Choice — several answers',
  'true-false': 'True or false',
  'fill-in': 'Short answer',
  numeric: 'Number',
  ordering: 'Put in order',
  matching: 'Matching pairs',
  'long-text': 'Written answer (not scored)',
} as const;

/** A type of question in the editor. */
export type FormType = keyof typeof FORM_TYPES;

/** One question as typed: every field of every type, so switching type loses nothing. */
export interface QuestionForm {
  type: string;
  prompt: string;
  points: string;
  /** Choices, items to order, or `left = right` pairs: one per line. */
  choices: string;
  /** `fill-in`: accepted answers, one per line. */
  answers: string;
  /** `numeric`: the right value and the accepted distance from it. */
  value: string;
  tolerance: string;
  /** `true-false`: `true`, `false` or nothing. */
  truth: string;
  feedbackCorrect: string;
  feedbackIncorrect: string;
  /** Competency IRIs, one per line. */
  competencies: string;
}

/** The whole editor as typed. */
export interface QuizForm {
  title: string;
  attempts: string;
  /** A percentage. */
  passMark: string;
  questions: QuestionForm[];
  /** The "Import JSON" text area. */
  json: string;
}

/** A problem with what was typed: the field's id (an anchor of the editor) and what to fix. */
export interface FieldError {
  field: string;
  message: string;
}

/** How many questions one quiz may have (the form stays under the body parser's 1,000 fields). */
export const MAX_QUESTIONS = 50;

/** The id (and name) of a question's field in the editor; `n` counts from 1. */
export const fieldId = (n: number, key: keyof QuestionForm | 'competency'): string => `q${n}_${key}`;

/** Id of the "Add a question" button, where "no question" errors point. */
export const ADD_QUESTION = 'add-question';

/** A question with nothing typed yet. */
export const emptyQuestion = (): QuestionForm => ({
  type: 'choice',
  prompt: '',
  points: '1',
  choices: '',
  answers: '',
  value: '',
  tolerance: '',
  truth: '',
  feedbackCorrect: '',
  feedbackIncorrect: '',
  competencies: '',
});

/** A new quiz: one empty question. */
export const emptyForm = (): QuizForm => ({
  title: '',
  attempts: '1',
  passMark: '',
  questions: [emptyQuestion()],
  json: '',
});

/** The fields of a question, in the order of {@link QuestionForm}. */
export const QUESTION_KEYS = Object.keys(emptyQuestion()) as (keyof QuestionForm)[];

// browsers post text areas with CRLF line ends
const text = (v: unknown): string =>
  (typeof v === 'string' ? v : Array.isArray(v) ? text(v[0]) : '').replace(/\r\n?/g, '\n');
/** The non-empty lines of a text area, trimmed. */
export const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The form from a posted body (`title`, `attempts`, `passMark`, `json`, and `q{n}_{field}` per question,
 * in the order of `n`). A competency picked in a question's "add" box joins its list.
 */
export function formFromBody(body: Record<string, unknown>): QuizForm {
  const ns = Object.keys(body)
    .map((k) => /^q(\d+)_type$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
    .slice(0, MAX_QUESTIONS);
  const questions = ns.map((n) => {
    const q = Object.fromEntries(
      QUESTION_KEYS.map((k) => [k, text(body[fieldId(n, k)])]),
    ) as unknown as QuestionForm;
    const added = text(body[fieldId(n, 'competency')]).trim();
    if (added && !lines(q.competencies).includes(added))
      q.competencies = [...lines(q.competencies), added].join('\n');
    return q;
  });
  return {
    title: text(body.title),
    attempts: text(body.attempts),
    passMark: text(body.passMark),
    questions,
    json: text(body.json),
  };
}

/**
 * The form of a definition (a pasted JSON quiz, to go on editing it), and what the editor cannot show
 * (question ids, per-choice feedback, numeric ranges…): "Save as is" keeps those.
 */
export function formFromDefinition(d: QuizDefinition): { form: QuizForm; dropped: string[] } {
  const dropped: string[] = [];
  const questions = d.questions.map((q, i): QuestionForm => {
    const n = i + 1;
    const f = { ...emptyQuestion(), prompt: q.prompt, points: String(q.points ?? 1) };
    const drop = (what: string) => dropped.push(`question ${n}: ${what}`);
    const label = (id: string, list = q.choices) => list?.find((c) => c.id === id)?.label ?? id;
    const right = q.correct === undefined ? [] : ([] as unknown[]).concat(q.correct).map(String);
    if (q.id !== undefined) drop('its id');
    if (q.required) drop('required');
    if (q.choices?.some((c) => c.feedback)) drop('feedback of each choice');
    switch (q.type) {
      case 'choice':
        f.type = q.multiple ? 'choice-multiple' : 'choice';
        f.choices = (q.choices ?? [])
          .map((c) => `${right.includes(c.id) ? '*' : ''}${c.label.startsWith('*') ? '\\' : ''}${c.label}`)
          .join('\n');
        break;
      case 'ordering':
        f.type = 'ordering';
        f.choices = (right.length ? right : (q.choices ?? []).map((c) => c.id))
          .map((id) => label(id))
          .join('\n');
        break;
      case 'matching': {
        f.type = 'matching';
        const map = (q.correct ?? {}) as Record<string, string>;
        const used = new Set(Object.values(map));
        f.choices = [
          ...(q.choices ?? []).map((c) => `${c.label} = ${map[c.id] ? label(map[c.id]!, q.targets) : ''}`),
          ...(q.targets ?? []).filter((t) => !used.has(t.id)).map((t) => `= ${t.label}`),
        ].join('\n');
        break;
      }
      case 'true-false':
        f.type = 'true-false';
        f.truth = typeof q.correct === 'boolean' ? String(q.correct) : '';
        break;
      case 'fill-in':
        f.type = 'fill-in';
        f.answers = right.join('\n');
        if (q.caseSensitive) drop('case-sensitive answers');
        break;
      case 'numeric': {
        f.type = 'numeric';
        const c = q.correct as number | { min?: number; max?: number } | undefined;
        if (typeof c === 'number') {
          f.value = String(c);
          f.tolerance = q.tolerance ? String(q.tolerance) : '';
        } else if (c && c.min !== undefined && c.min === c.max) f.value = String(c.min);
        else if (c) drop('a range of right values');
        break;
      }
      case 'long-text':
        f.type = 'long-text';
        break;
    }
    if (typeof q.feedback === 'string') {
      f.feedbackCorrect = q.feedback;
      if (q.type !== 'long-text') f.feedbackIncorrect = q.feedback;
    } else if (q.feedback) {
      f.feedbackCorrect = q.feedback.correct ?? '';
      f.feedbackIncorrect = q.feedback.incorrect ?? '';
    }
    f.competencies = (q.competencies ?? []).join('\n');
    return f;
  });
  const form: QuizForm = {
    title: d.title ?? '',
    attempts: d.attempts === undefined ? '' : String(d.attempts),
    passMark: d.passMark === undefined ? '' : String(Number((d.passMark * 100).toFixed(4))),
    questions,
    json: '',
  };
  return { form, dropped };
}
