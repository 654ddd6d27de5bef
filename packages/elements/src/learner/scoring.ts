import type { InteractionResponse, QuestionInput } from '@kairos/sdk';

/** The question types of a quiz, as the JSON `type` and the element name (`kairos-<type>`) spell them. */
export type QuestionType =
  | 'choice'
  | 'true-false'
  | 'fill-in'
  | 'numeric'
  | 'ordering'
  | 'matching'
  | 'long-text';

/** A choice, an item to order, or a source or target to match. */
export interface Choice {
  id: string;
  label: string;
  /** Shown after the quiz is checked when the learner picked this choice. */
  feedback?: string;
}

/** A numeric range, both ends included. */
export interface NumericRange {
  min?: number;
  max?: number;
}

/**
 * A question as the scoring reads it, whichever way it was written (element attributes and children, or
 * the quiz JSON). `correct` depends on the type: choice ids (`choice`, in order for `ordering`), a
 * boolean (`true-false`), accepted answers (`fill-in`), a number or range (`numeric`), source → target
 * (`matching`); `long-text` has none.
 */
export interface QuestionSpec {
  type: QuestionType;
  id: string;
  prompt: string;
  multiple?: boolean;
  /** Choices, items to order, or the sources of a matching. */
  choices: Choice[];
  /** The targets of a matching. */
  targets?: Choice[];
  correct?: string[] | boolean | number | NumericRange | Record<string, string>;
  /** Numeric: accepted distance from `correct`. */
  tolerance?: number;
  /** Fill-in: compare case too (xAPI `{case_matters=true}`). */
  caseSensitive?: boolean;
  points: number;
  competencies: string[];
  feedback?: string;
  feedbackCorrect?: string;
  feedbackIncorrect?: string;
}

/** What checking one answer gives: success (none for `long-text`), points won, points at stake. */
export interface Outcome {
  success?: boolean;
  raw: number;
  max: number;
  feedback: string[];
}

// 12 decimals: 3.14 ± 0.01 is 3.13…3.15, not 3.1300000000000003
const round = (n: number) => Math.round(n * 1e12) / 1e12;

/** The range a numeric answer must fall in. */
export function numericRange(q: QuestionSpec): NumericRange | undefined {
  const c = q.correct;
  if (typeof c === 'number') {
    const t = Math.abs(q.tolerance ?? 0);
    return t ? { min: round(c - t), max: round(c + t) } : { min: c, max: c };
  }
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as NumericRange) : undefined;
}

/** A number typed by a learner: `3.5`, `3,5` (French), `1 000`, `-2`; `undefined` when it is not one. */
export function parseNumber(text: string): number | undefined {
  const t = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : undefined;
}

const norm = (s: string, caseSensitive?: boolean) => {
  const t = s.trim().replace(/\s+/g, ' ');
  return caseSensitive ? t : t.toLocaleLowerCase();
};

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Whether `response` is right; `undefined` when the question declares no correct answer. */
export function isRight(q: QuestionSpec, response: InteractionResponse | undefined): boolean | undefined {
  const c = q.correct;
  if (c === undefined || q.type === 'long-text') return undefined;
  if (response === undefined) return false;
  switch (q.type) {
    case 'choice': {
      const picked = response as string[];
      const ids = c as string[];
      return q.multiple ? sameSet(picked, ids) : picked.length === 1 && ids.includes(picked[0]!);
    }
    case 'true-false':
      return response === c;
    case 'fill-in':
      return (c as string[]).some(
        (a) => norm(a, q.caseSensitive) === norm(String(response), q.caseSensitive),
      );
    case 'numeric': {
      const r = numericRange(q)!;
      const n = response as number;
      return n >= (r.min ?? -Infinity) && n <= (r.max ?? Infinity);
    }
    case 'ordering':
      return (response as string[]).join('\n') === (c as string[]).join('\n');
    case 'matching': {
      const pairs = response as [string, string][];
      const map = c as Record<string, string>;
      return pairs.length === Object.keys(map).length && pairs.every(([s, t]) => map[s] === t);
    }
  }
}

/** Checks one answer: success, points (all or nothing) and the feedback to show. */
export function judge(q: QuestionSpec, response: InteractionResponse | undefined): Outcome {
  const success = isRight(q, response);
  const feedback: string[] = [];
  if (q.type === 'choice' && Array.isArray(response))
    for (const c of q.choices)
      if (c.feedback && (response as string[]).includes(c.id)) feedback.push(c.feedback);
  const general = success === undefined ? '' : success ? q.feedbackCorrect : q.feedbackIncorrect;
  if (general) feedback.push(general);
  if (q.feedback) feedback.push(q.feedback);
  const max = success === undefined ? 0 : q.points;
  return { success, raw: success ? max : 0, max, feedback };
}

/** The `result.score` of one answer: the points won of the points at stake. */
export const answerScore = (o: Outcome) => ({
  raw: o.raw,
  min: 0,
  max: o.max,
  scaled: o.max ? o.raw / o.max : 0,
});

/** A pass mark as written: `0.7` or `70%`. */
export function passMarkOf(v: string | number | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = parseFloat(String(v));
  return Number.isNaN(n) ? undefined : String(v).trim().endsWith('%') ? n / 100 : n;
}

/** A quiz's score: the sum of points, scaled, and passed when a pass mark (0–1) is set. */
export function quizScore(outcomes: Outcome[], passMark?: number) {
  const raw = outcomes.reduce((s, o) => s + o.raw, 0);
  const max = outcomes.reduce((s, o) => s + o.max, 0);
  const scaled = max > 0 ? round(raw / max) : undefined;
  const passed = passMark === undefined || scaled === undefined ? undefined : scaled >= passMark - 1e-9;
  return { raw, max, scaled, passed };
}

/** The xAPI `cmi.interaction` type of a question type. */
const INTERACTION = {
  choice: 'choice',
  'true-false': 'true-false',
  'fill-in': 'fill-in',
  numeric: 'numeric',
  ordering: 'sequencing',
  matching: 'matching',
  'long-text': 'long-fill-in',
} as const;

/**
 * The question as the SDK's `answer()` takes it: its `cmi.interaction` type, components and correct
 * responses (`correctResponsesPattern`). A fill-in accepts each answer as one pattern; one that compares
 * case says so with `{case_matters=true}` (xAPI 1.0.3 §C, fill-in's default is case-insensitive).
 */
export function toQuestionInput(q: QuestionSpec): QuestionInput {
  const input: QuestionInput = { id: q.id, name: q.prompt, interactionType: INTERACTION[q.type] };
  const parts = (list: Choice[]) => list.map((c) => ({ id: c.id, name: c.label }));
  const c = q.correct;
  switch (q.type) {
    case 'choice':
      input.choices = parts(q.choices);
      if (c) {
        const ids = q.choices.map((x) => x.id).filter((id) => (c as string[]).includes(id));
        input.correct = q.multiple ? ids : { any: ids.map((id) => [id]) };
      }
      break;
    case 'true-false':
      if (c !== undefined) input.correct = c as boolean;
      break;
    case 'fill-in':
      if (c)
        input.correct = {
          any: (c as string[]).map((a) => (q.caseSensitive ? `{case_matters=true}${a}` : a)),
        };
      break;
    case 'numeric': {
      const r = numericRange(q);
      if (r) input.correct = r.min !== undefined && r.min === r.max ? r.min : r;
      break;
    }
    case 'ordering':
      // xAPI 1.0.3 §C: a sequencing interaction lists its items as `choices`
      input.choices = parts(q.choices);
      if (c) input.correct = c as string[];
      break;
    case 'matching':
      input.source = parts(q.choices);
      input.target = parts(q.targets ?? []);
      if (c) input.correct = Object.entries(c as Record<string, string>);
  }
  return input;
}
