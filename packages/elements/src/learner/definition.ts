import type { Choice, NumericRange, QuestionType } from './scoring.js';

/**
 * A quiz written as JSON: what `<kairos-quiz>` renders from its `definition` property or `src`
 * attribute, and what teacher-authored quizzes (LTI deep linking) are stored as. docs/elements.md
 * ("Quiz JSON") describes every field.
 *
 * @example
 * { "id": "https://school.example/quiz/fractions", "title": "Fractions", "passMark": 0.7,
 *   "questions": [{ "type": "choice", "prompt": "½ + ¼ = ?", "points": 2,
 *     "choices": [{ "id": "a", "label": "¾" }, { "id": "b", "label": "⅔" }], "correct": "a",
 *     "competencies": ["https://school.example/competencies/add-fractions"] }] }
 */
export interface QuizDefinition {
  /** The quiz's activity IRI; questions without an `id` get `{id}/q1`, `{id}/q2`… */
  id: string;
  title?: string;
  /** How many times the learner may submit (default 1; 0: no limit). */
  attempts?: number;
  /** Share of the points needed to pass, 0–1 (`passed`/`failed` are sent only when set). */
  passMark?: number;
  questions: QuestionDefinition[];
}

/** One question of a {@link QuizDefinition}. */
export interface QuestionDefinition {
  type: QuestionType;
  /** The question's activity IRI (default: the quiz id + `/q` + its position from 1). */
  id?: string;
  prompt: string;
  /** `choice`: the choices; `ordering`: the items, in the order shown; `matching`: the sources. */
  choices?: Choice[];
  /** `matching`: the targets each source is matched to. */
  targets?: Choice[];
  /** `choice`: several answers may be picked (checkboxes). */
  multiple?: boolean;
  /**
   * `choice`: the right choice id(s); `true-false`: a boolean; `fill-in`: the accepted answer(s);
   * `numeric`: a number (with `tolerance`) or `{ min, max }`; `ordering`: every item id in the right
   * order; `matching`: `{ sourceId: targetId }`; `long-text`: none (a written production, not scored).
   */
  correct?: string | string[] | boolean | number | NumericRange | Record<string, string>;
  tolerance?: number;
  caseSensitive?: boolean;
  /** Shown after checking: one text whatever the answer, or one for a right and one for a wrong answer. */
  feedback?: string | { correct?: string; incorrect?: string };
  /** Points of a right answer (default 1). */
  points?: number;
  /** Competency IRIs the question is aligned to (`context.contextActivities.other` objectives). */
  competencies?: string[];
  /** The quiz cannot be submitted (nor its form) while this question is unanswered. */
  required?: boolean;
}

/** A quiz definition that cannot be rendered; `problems` lists each one with its JSON path. */
export class QuizDefinitionError extends Error {
  readonly code = 'invalid_quiz';
  constructor(readonly problems: string[]) {
    super(`the quiz definition is not valid: ${problems.join('; ')} (see docs/elements.md, "Quiz JSON")`);
    this.name = 'QuizDefinitionError';
  }
}

const TYPES = ['choice', 'true-false', 'fill-in', 'numeric', 'ordering', 'matching', 'long-text'];
/** Whether `v` is an absolute IRI (a scheme, a colon, no spaces): what activity and competency ids must be. */
export const isIri = (v: unknown): v is string => typeof v === 'string' && /^[a-z][\w+.-]*:\S+$/i.test(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

/** Checks a quiz definition (parsed JSON) and returns it; throws a {@link QuizDefinitionError} listing every problem. */
export function parseQuizDefinition(json: unknown): QuizDefinition {
  const bad: string[] = [];
  const d = (json ?? {}) as QuizDefinition;
  if (!isIri(d.id)) bad.push('id: an activity IRI is required');
  if (d.attempts !== undefined && !(Number.isInteger(d.attempts) && d.attempts >= 0))
    bad.push('attempts: a whole number ≥ 0');
  if (d.passMark !== undefined && !(isNum(d.passMark) && d.passMark >= 0 && d.passMark <= 1))
    bad.push('passMark: a share between 0 and 1');
  if (!Array.isArray(d.questions) || d.questions.length === 0) bad.push('questions: at least one');
  (Array.isArray(d.questions) ? d.questions : []).forEach((q: QuestionDefinition, i) => {
    const at = (k: string, m: string) => {
      bad.push(`questions[${i}].${k}: ${m}`);
    };
    if (!TYPES.includes(q?.type)) {
      at('type', `one of ${TYPES.join(', ')}`);
      return;
    }
    if (typeof q.prompt !== 'string' || !q.prompt.trim()) at('prompt', 'a text is required');
    if (q.id !== undefined && !isIri(q.id)) at('id', 'an activity IRI');
    if (q.points !== undefined && !(isNum(q.points) && q.points >= 0)) at('points', 'a number ≥ 0');
    if (q.competencies !== undefined && !(Array.isArray(q.competencies) && q.competencies.every(isIri)))
      at('competencies', 'a list of competency IRIs');
    const ids = (k: 'choices' | 'targets') => {
      const cs = q[k];
      if (!Array.isArray(cs) || cs.length < 2) {
        at(k, 'at least two { id, label }');
        return [];
      }
      const seen = cs.map((c) => c?.id);
      if (cs.some((c) => typeof c?.id !== 'string' || !c.id || typeof c.label !== 'string'))
        at(k, 'each one { id, label } with a non-empty id');
      else if (new Set(seen).size < seen.length) at(k, 'ids must be unique');
      return seen;
    };
    const c = q.correct;
    const choices = ['choice', 'ordering', 'matching'].includes(q.type) ? ids('choices') : [];
    const among = (v: unknown) => typeof v === 'string' && choices.includes(v);
    switch (q.type) {
      case 'choice':
        if (c !== undefined && !(list(c).length && list(c).every(among)))
          at('correct', 'choice id(s) of this question');
        break;
      case 'true-false':
        if (c !== undefined && typeof c !== 'boolean') at('correct', 'true or false');
        break;
      case 'fill-in':
        if (c !== undefined && !list(c).every((a) => typeof a === 'string' && a.trim()))
          at('correct', 'the accepted answer(s), as text');
        break;
      case 'numeric': {
        const r = c as NumericRange;
        const ok =
          isNum(c) ||
          (typeof c === 'object' &&
            c !== null &&
            (isNum(r.min) || isNum(r.max)) &&
            [r.min, r.max].every((v) => v === undefined || isNum(v)));
        if (c !== undefined && !ok) at('correct', 'a number, or { min, max }');
        if (q.tolerance !== undefined && !isNum(q.tolerance)) at('tolerance', 'a number');
        break;
      }
      case 'ordering':
        if (
          c !== undefined &&
          !(Array.isArray(c) && c.length === choices.length && choices.every((x) => c.includes(x)))
        )
          at('correct', 'every item id, in the right order');
        break;
      case 'matching': {
        const targets = ids('targets');
        if (
          c !== undefined &&
          !(
            typeof c === 'object' &&
            !Array.isArray(c) &&
            Object.entries(c as object).every(([s, t]) => among(s) && targets.includes(t))
          )
        )
          at('correct', '{ sourceId: targetId } with ids of this question');
        break;
      }
      case 'long-text':
        if (c !== undefined) at('correct', 'a long text has no correct answer');
    }
  });
  if (bad.length) throw new QuizDefinitionError(bad);
  return d;
}

/** The IRI of each question of a quiz, in order: its own `id`, else the quiz id + `/q` + its position from 1. */
export function questionIris(d: QuizDefinition): string[] {
  return d.questions.map((q, i) => q.id ?? `${d.id}/q${i + 1}`);
}

/**
 * The points a quiz is scored out of, as `<kairos-quiz>` scores it: the points of every question with a
 * correct answer (a long text, or a question without `correct`, is not scored). A graded placement's line
 * item uses it as its maximum.
 */
export function quizMaximum(d: QuizDefinition): number {
  return d.questions
    .filter((q) => q.type !== 'long-text' && q.correct !== undefined)
    .reduce((sum, q) => sum + (q.points ?? 1), 0);
}
