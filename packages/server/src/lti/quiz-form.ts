/**
 * The quiz editor's form → a quiz definition, checked field by field. Pure (no request, no HTML). The
 * form's rules (docs/lti/README.md, "Writing a quiz in your course"): one choice per line, a leading `*`
 * marks a correct one; ordering items in the right order; matching lines `left = right`.
 */
import {
  type Choice,
  isIri,
  parseQuizDefinition,
  type QuestionDefinition,
  type QuizDefinition,
  QuizDefinitionError,
} from '@kairos/elements/quiz-definition.js';
import {
  ADD_QUESTION,
  type FieldError,
  FORM_TYPES,
  type FormType,
  fieldId,
  lines,
  MAX_QUESTIONS,
  QUESTION_KEYS,
  type QuestionForm,
  type QuizForm,
} from './quiz-form-fields.js';

/** A number as a teacher types it: `3.5`, `3,5`, `1 000`, `-2`; `undefined` when it is not one. */
export function typedNumber(s: string): number | undefined {
  const t = s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : undefined;
}

/** Ids of choices, items and matching sources: a, b, c… (then c27, c28…). */
const letter = (i: number) => (i < 26 ? String.fromCharCode(97 + i) : `c${i + 1}`);

/**
 * A fixed mixed order of a question's items, never the given one: `<kairos-ordering>` shows its items as
 * listed, and a matching's targets in the order of the lines would line up with their sources.
 */
export function mixed<T extends Choice>(items: T[]): T[] {
  const hash = (s: string) => {
    let h = 0x811c9dc5; // FNV-1a
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    return h;
  };
  const out = [...items].sort((a, b) => hash(`${a.id} ${a.label}`) - hash(`${b.id} ${b.label}`));
  if (out.every((c, i) => c === items[i])) out.push(out.shift()!);
  return out;
}

/** A choice line: its label and whether it is marked correct (`*`); `\\*` starts a label with a star. */
function choiceLine(line: string): { label: string; correct: boolean } {
  if (line.startsWith('\\*')) return { label: line.slice(1), correct: false };
  return line.startsWith('*')
    ? { label: line.slice(1).trim(), correct: true }
    : { label: line, correct: false };
}

const twice = (labels: string[]) => labels.find((l, i) => labels.indexOf(l) !== i);

/** Reports a problem with one field of the question. */
type At = (key: keyof QuestionForm, message: string) => void;
type Answer = Pick<QuestionDefinition, 'choices' | 'targets' | 'multiple' | 'correct' | 'tolerance'>;

function choiceAnswer(q: QuestionForm, at: At, multiple: boolean): Answer {
  const parsed = lines(q.choices).map(choiceLine);
  const dup = twice(parsed.map((c) => c.label));
  if (parsed.length < 2) at('choices', 'choices: write at least two, one per line');
  else if (dup !== undefined) at('choices', `choices: “${dup}” is there twice`);
  else if (!parsed.some((c) => c.correct))
    at('choices', `choices: start ${multiple ? 'each correct choice' : 'the correct choice'} with a *`);
  const choices = parsed.map((c, i) => ({ id: letter(i), label: c.label }));
  const right = choices.filter((_, i) => parsed[i]!.correct).map((c) => c.id);
  // one answer with several * marked: any of them is right
  if (multiple) return { choices, multiple, correct: right };
  return { choices, correct: right.length === 1 ? right[0] : right };
}

function orderingAnswer(q: QuestionForm, at: At): Answer {
  const ls = lines(q.choices);
  const dup = twice(ls);
  if (ls.length < 2) at('choices', 'items: write at least two, one per line, in the right order');
  else if (dup !== undefined) at('choices', `items: “${dup}” is there twice`);
  const items = ls.map((label, i) => ({ id: letter(i), label }));
  return { choices: items.length > 1 ? mixed(items) : items, correct: items.map((c) => c.id) };
}

function matchingAnswer(q: QuestionForm, at: At): Answer {
  const sources: Choice[] = [];
  const targets: Choice[] = [];
  const correct: Record<string, string> = {};
  let faulty = false;
  lines(q.choices).forEach((line, i) => {
    const eq = line.indexOf('=');
    const left = line.slice(0, Math.max(eq, 0)).trim();
    const right = eq < 0 ? '' : line.slice(eq + 1).trim();
    if (!right) {
      faulty = true;
      at('choices', `pairs: line ${i + 1} (“${line}”) needs the form left = right`);
      return;
    }
    let target = targets.find((t) => t.label === right);
    if (!target) {
      target = { id: String(targets.length + 1), label: right };
      targets.push(target);
    }
    // "= right" alone adds a target that matches nothing (a distractor)
    if (!left) return;
    if (sources.some((s) => s.label === left)) {
      faulty = true;
      at('choices', `pairs: “${left}” is on the left twice`);
      return;
    }
    const source = { id: letter(sources.length), label: left };
    sources.push(source);
    correct[source.id] = target.id;
  });
  if (!faulty && (sources.length < 2 || targets.length < 2))
    at('choices', 'pairs: write at least two pairs, one per line as left = right');
  return { choices: sources, targets: targets.length > 1 ? mixed(targets) : targets, correct };
}

function numericAnswer(q: QuestionForm, at: At): Answer {
  const value = typedNumber(q.value);
  if (value === undefined) at('value', 'right value: a number (3.5 or 3,5)');
  if (q.tolerance.trim() === '') return { correct: value };
  const tolerance = typedNumber(q.tolerance);
  if (tolerance === undefined || tolerance < 0) at('tolerance', 'tolerance: a number, 0 or more');
  return { correct: value, ...(tolerance ? { tolerance } : {}) };
}

/** The answer part of each type of question: choices, targets and what is right. */
const ANSWERS: Record<FormType, (q: QuestionForm, at: At) => Answer> = {
  choice: (q, at) => choiceAnswer(q, at, false),
  'choice-multiple': (q, at) => choiceAnswer(q, at, true),
  ordering: orderingAnswer,
  matching: matchingAnswer,
  numeric: numericAnswer,
  'true-false': (q, at) => {
    if (q.truth !== 'true' && q.truth !== 'false') at('truth', 'answer: choose true or false');
    return { correct: q.truth === 'true' };
  },
  'fill-in': (q, at) => {
    const answers = lines(q.answers);
    if (answers.length === 0) at('answers', 'accepted answers: write at least one, one per line');
    return { correct: answers };
  },
  'long-text': () => ({}),
};

/** One question's definition, or its problems (pushed to `bad`). */
function questionFrom(q: QuestionForm, n: number, bad: FieldError[]): QuestionDefinition | undefined {
  const before = bad.length;
  const at: At = (key, message) => {
    bad.push({ field: fieldId(n, key), message: `Question ${n}, ${message}` });
  };
  const type = q.type as FormType;
  if (!Object.hasOwn(FORM_TYPES, type)) {
    at('type', 'type: choose one of the list');
    return undefined;
  }
  const prompt = q.prompt.trim();
  if (!prompt) at('prompt', 'text: write what the learner is asked');
  const out: QuestionDefinition = {
    type: type === 'choice-multiple' ? 'choice' : type,
    prompt,
    ...ANSWERS[type](q, at),
  };
  const scored = type !== 'long-text';
  if (scored) {
    const points = q.points.trim() === '' ? 1 : typedNumber(q.points);
    if (points === undefined || points < 0) at('points', 'points: a number, 0 or more');
    else out.points = points;
  }
  const right = q.feedbackCorrect.trim();
  const wrong = q.feedbackIncorrect.trim();
  // a written answer is never right or wrong: its feedback shows once it is sent, whatever it says
  if (!scored && (right || wrong)) out.feedback = right || wrong;
  else if (right || wrong)
    out.feedback = { ...(right ? { correct: right } : {}), ...(wrong ? { incorrect: wrong } : {}) };
  const competencies = lines(q.competencies);
  const notIri = competencies.find((c) => !isIri(c));
  if (notIri !== undefined)
    at('competencies', `competencies: “${notIri}” is not an IRI; write each one's full address (https://…)`);
  if (competencies.length) out.competencies = competencies;
  return bad.length === before ? out : undefined;
}

/** Where a problem `parseQuizDefinition` found (`questions[1].correct: …`) is typed in the editor. */
function problemField(problem: string, d: QuizDefinition): string {
  const m = /^questions\[(\d+)\]\.(\w+)/.exec(problem);
  if (!m) {
    if (problem.startsWith('attempts')) return 'attempts';
    if (problem.startsWith('passMark')) return 'passMark';
    return problem.startsWith('questions') ? ADD_QUESTION : 'title';
  }
  const i = Number(m[1]);
  const type = d.questions[i]?.type;
  const key = m[2]!;
  const correct: Record<string, keyof QuestionForm> = {
    'true-false': 'truth',
    'fill-in': 'answers',
    numeric: 'value',
  };
  const field: keyof QuestionForm =
    key === 'correct' || key === 'targets'
      ? (correct[type ?? ''] ?? 'choices')
      : QUESTION_KEYS.includes(key as keyof QuestionForm)
        ? (key as keyof QuestionForm)
        : 'prompt';
  return fieldId(i + 1, field);
}

/** What the form gives: a valid definition, or every problem with its field. */
export type FormResult = { ok: true; definition: QuizDefinition } | { ok: false; errors: FieldError[] };

/**
 * The quiz definition of a form, named `id` (its IRI), checked field by field and then by
 * `parseQuizDefinition` (what `<kairos-quiz>` accepts); problems come in the order of the form.
 *
 * @example
 * const r = quizFromForm(formFromBody(req.body), quizIri(publicUrl, tenantId, newQuizId()));
 * if (!r.ok) showErrors(r.errors);
 */
export function quizFromForm(form: QuizForm, id: string): FormResult {
  const bad: FieldError[] = [];
  const title = form.title.trim();
  if (!title)
    bad.push({ field: 'title', message: 'Quiz title: write one (it names the activity in your course)' });
  const d: QuizDefinition = { id, title, questions: [] };
  if (form.attempts.trim() !== '') {
    const attempts = typedNumber(form.attempts);
    if (attempts === undefined || !Number.isInteger(attempts) || attempts < 0)
      bad.push({ field: 'attempts', message: 'Attempts: a whole number (0 for no limit)' });
    else d.attempts = attempts;
  }
  if (form.passMark.trim() !== '') {
    const mark = typedNumber(form.passMark.trim().replace(/%$/, ''));
    if (mark === undefined || mark < 0 || mark > 100)
      bad.push({ field: 'passMark', message: 'Pass mark: a percentage between 0 and 100' });
    else d.passMark = Number((mark / 100).toFixed(6));
  }
  if (form.questions.length === 0) bad.push({ field: ADD_QUESTION, message: 'Questions: add at least one' });
  if (form.questions.length > MAX_QUESTIONS)
    bad.push({ field: ADD_QUESTION, message: `Questions: at most ${MAX_QUESTIONS} in one quiz` });
  form.questions.forEach((q, i) => {
    const question = questionFrom(q, i + 1, bad);
    if (question) d.questions.push(question);
  });
  if (bad.length) return { ok: false, errors: bad };
  try {
    return { ok: true, definition: parseQuizDefinition(d) };
  } catch (error) {
    if (!(error instanceof QuizDefinitionError)) throw error;
    // the element's own check, in case the form lets through what it refuses
    return { ok: false, errors: error.problems.map((p) => ({ field: problemField(p, d), message: p })) };
  }
}
