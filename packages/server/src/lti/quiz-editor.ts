import { esc, page } from './pages.js';
import {
  ADD_QUESTION,
  type FieldError,
  FORM_TYPES,
  type FormType,
  fieldId,
  MAX_QUESTIONS,
  type QuestionForm,
  type QuizForm,
} from './quiz-form-fields.js';

/** What the quiz editor page shows. */
export interface QuizEditorView {
  /** Where every button posts (`POST /lti/deep-link/quiz`). */
  action: string;
  /** The picker's signed session, carried along. */
  session: string;
  form: QuizForm;
  errors: FieldError[];
  /** A line above the form (what an import could not keep…). */
  notice?: string;
  /** The tenant's known competencies, offered in each question's "add a competency" box. */
  competencies: { iri: string; label: string }[];
}

// Which blocks each type shows. Without `:has()` every block shows: the page works, only longer.
const SHOWN: Record<string, FormType[]> = {
  choices: ['choice', 'choice-multiple', 'ordering', 'matching'],
  answers: ['fill-in'],
  numeric: ['numeric'],
  truth: ['true-false'],
  scored: ['choice', 'choice-multiple', 'true-false', 'fill-in', 'numeric', 'ordering', 'matching'],
};
const TYPES = Object.keys(FORM_TYPES) as FormType[];
const CSS = `<style>
.q{border:1px solid #dde;border-radius:.4rem;padding:.5rem 1rem;margin:0 0 1rem}
label,.label{display:block;font-weight:600;margin-top:.6rem}input[type=text],textarea,select{font:inherit;width:100%;box-sizing:border-box;padding:.3rem}
input[type=radio]+label{display:inline;font-weight:400}.hint{color:#5b6475;font-size:.9rem;margin:.15rem 0}
.field-error{color:#b3261e;font-weight:600;margin:.15rem 0}[aria-invalid=true]{border:2px solid #b3261e}
.row{display:flex;gap:1rem}.row>div{flex:1}.secondary{background:#fff;color:#234a8f}
.default{position:absolute;left:-10000px}
${TYPES.map((t) =>
  Object.entries(SHOWN)
    .filter(([, types]) => !types.includes(t))
    .map(([block]) => `.q:has(option[value="${t}"]:checked) .for-${block}`)
    .join(','),
)
  .map((sel) => `${sel}{display:none}`)
  .join('\n')}
${TYPES.map((t) => `.q:has(option[value="${t}"]:checked) [data-for]:not([data-for~="${t}"])`).join(',')}{display:none}
</style>`;

/** Attributes tying a control to its hint and error. */
function described(id: string, errors: FieldError[], hint: boolean): string {
  const error = errors.some((e) => e.field === id);
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `${ids ? ` aria-describedby="${ids}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
}

/** The inline errors of one field. */
function errorsOf(id: string, errors: FieldError[]): string {
  const mine = errors.filter((e) => e.field === id).map((e) => esc(e.message));
  return mine.length ? `<p class="field-error" id="${esc(id)}-error">${mine.join('<br>')}</p>` : '';
}

/** A labelled text input or text area, with its hint (trusted HTML, written here) and errors. */
function field(
  id: string,
  label: string,
  value: string,
  errors: FieldError[],
  opts: { hint?: string; area?: number; mode?: string; list?: string } = {},
): string {
  const hint = opts.hint ? `<p class="hint" id="${esc(id)}-hint">${opts.hint}</p>` : '';
  const attrs = `id="${esc(id)}" name="${esc(id)}"${described(id, errors, !!opts.hint)}`;
  const control = opts.area
    ? `<textarea ${attrs} rows="${opts.area}">${esc(value)}</textarea>`
    : `<input type="text" ${attrs} value="${esc(value)}"${opts.mode ? ` inputmode="${opts.mode}"` : ''}${opts.list ? ` list="${esc(opts.list)}" autocomplete="off"` : ''}>`;
  return `<label for="${esc(id)}">${esc(label)}</label>${hint}${control}${errorsOf(id, errors)}`;
}

function question(q: QuestionForm, n: number, v: QuizEditorView): string {
  const id = (k: Parameters<typeof fieldId>[1]) => fieldId(n, k);
  const e = v.errors;
  const options = TYPES.map(
    (t) => `<option value="${t}"${q.type === t ? ' selected' : ''}>${esc(FORM_TYPES[t])}</option>`,
  ).join('');
  const truth = (value: 'true' | 'false', label: string, rid: string) =>
    `<input type="radio" id="${rid}" name="${id('truth')}" value="${value}"${q.truth === value ? ' checked' : ''}${described(id('truth'), e, false)}> <label for="${rid}">${label}</label>`;
  return `<li class="q" id="q${n}"><fieldset style="border:0;padding:0"><legend><h2>Question ${n}</h2></legend>
<label for="${id('type')}">Type</label><select id="${id('type')}" name="${id('type')}"${described(id('type'), e, false)}>${options}</select>${errorsOf(id('type'), e)}
${field(id('prompt'), 'Question text', q.prompt, e, { area: 2 })}
<div class="for-scored">${field(id('points'), 'Points', q.points, e, { mode: 'decimal', hint: 'For a right answer; 1 if left empty.' })}</div>
<div class="for-choices">${field(id('choices'), 'Choices, items or pairs — one per line', q.choices, e, {
    area: 5,
    hint: `<span data-for="choice choice-multiple">Start each correct choice with <code>*</code>, e.g. <code>*Paris</code>.</span>
<span data-for="ordering">Write the items in the right order; learners see them mixed.</span>
<span data-for="matching">Write each pair as <code>left = right</code>, e.g. <code>France = Paris</code>; a line <code>= Lyon</code> adds a right side that matches nothing.</span>`,
  })}</div>
<div class="for-answers">${field(id('answers'), 'Accepted answers — one per line', q.answers, e, { area: 3, hint: 'Capitals and extra spaces do not count.' })}</div>
<div class="for-numeric row"><div>${field(id('value'), 'Right value', q.value, e, { mode: 'decimal' })}</div>
<div>${field(id('tolerance'), 'Tolerance (±)', q.tolerance, e, { mode: 'decimal', hint: 'Accepted distance from the value; empty: exactly.' })}</div></div>
<fieldset class="for-truth" style="border:0;padding:0"><legend class="label">The statement is</legend>
${truth('true', 'True', id('truth'))} ${truth('false', 'False', `${id('truth')}-false`)}${errorsOf(id('truth'), e)}</fieldset>
<div class="row"><div>${field(id('feedbackCorrect'), 'Feedback when correct', q.feedbackCorrect, e, { hint: '<span data-for="long-text">Shown once the answer is sent.</span>' })}</div>
<div class="for-scored">${field(id('feedbackIncorrect'), 'Feedback when incorrect', q.feedbackIncorrect, e)}</div></div>
${field(id('competencies'), 'Competencies — one IRI per line', q.competencies, e, { area: 2, hint: 'Optional: what this question gives evidence of.' })}
${v.competencies.length ? field(id('competency'), 'Add a known competency', '', e, { list: 'kairos-competencies', hint: 'From your competency frameworks; it joins the list above at the next button you press.' }) : ''}
<p><button type="submit" class="secondary" name="action" value="remove-${n}" formaction="${esc(v.action)}#questions">Remove question ${n}</button></p>
</fieldset></li>`;
}

/**
 * The quiz editor (`POST /lti/deep-link/quiz`): plain forms, no script. Every button posts the whole
 * form, so adding, removing, importing or a refused save keep what was typed; errors are listed first,
 * each linked to its field.
 */
export function quizEditorPage(v: QuizEditorView): string {
  const { form, errors } = v;
  const at = (fragment: string) => ` formaction="${esc(v.action)}#${fragment}"`;
  const summary = errors.length
    ? `<div class="error" role="alert" id="errors"><h2>${errors.length === 1 ? 'One thing to fix' : `${errors.length} things to fix`} before saving</h2>
<ul>${errors.map((e) => `<li><a href="#${esc(e.field)}">${esc(e.message)}</a></li>`).join('')}</ul></div>`
    : '';
  const notice = v.notice ? `<p role="status">${esc(v.notice)}</p>` : '';
  const datalist = v.competencies.length
    ? `<datalist id="kairos-competencies">${v.competencies.map((c) => `<option value="${esc(c.iri)}">${esc(c.label)}</option>`).join('')}</datalist>`
    : '';
  const full = form.questions.length >= MAX_QUESTIONS;
  return page(
    'Write a quiz',
    `${CSS}<main><h1>Write a quiz</h1>
<p class="muted">The quiz is scored in the learner's browser: its right answers are in the page, where a curious
learner can read them. Once placed, a quiz cannot be edited yet; write a new one to change it.</p>
${summary}${notice}
<form method="post" action="${esc(v.action)}" novalidate>
<input type="hidden" name="session" value="${esc(v.session)}">
<button type="submit" class="default" name="action" value="update" tabindex="-1" aria-hidden="true">Update</button>
<fieldset><legend>Quiz</legend>
${field('title', 'Title', form.title, errors, { hint: 'The name of the activity in your course.' })}
<div class="row"><div>${field('attempts', 'Attempts', form.attempts, errors, { mode: 'numeric', hint: '0 for no limit.' })}</div>
<div>${field('passMark', 'Pass mark (%)', form.passMark, errors, { mode: 'decimal', hint: 'Empty: no pass or fail.' })}</div></div>
</fieldset>
<ol id="questions" style="list-style:none;padding:0">${form.questions.map((q, i) => question(q, i + 1, v)).join('\n')}</ol>
${datalist}
<p><button type="submit" class="secondary" id="${ADD_QUESTION}" name="action" value="add"${at(`q${form.questions.length + 1}`)}${full ? ' disabled' : ''}>Add a question</button>${errorsOf(ADD_QUESTION, errors)}</p>
<p><button type="submit" name="action" value="save"${at('errors')}>Save and add to the course</button>
<button type="submit" class="secondary" name="action" value="cancel">Cancel</button></p>
<details${form.json.trim() || errors.some((e) => e.field === 'json') ? ' open' : ''}><summary>Import JSON</summary>
${field('json', 'Quiz JSON', form.json, errors, { area: 10, hint: "The format of <code>&lt;kairos-quiz&gt;</code> (docs/elements.md, “Quiz JSON”); its <code>id</code> is replaced by the quiz's own." })}
<p><button type="submit" class="secondary" name="action" value="import"${at('questions')}>Fill the editor from this JSON</button>
<button type="submit" class="secondary" name="action" value="save-json"${at('errors')}>Save this JSON as is</button></p>
</details>
</form></main>`,
  );
}
