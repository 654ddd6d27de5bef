import { type ActivityInput, ActivityTypes, formatResponse, type Tracker } from '@kairos/sdk';
import { css, html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Localize } from '../shared/localize.js';
import { type LoadState, renderState } from '../shared/states.js';
import { tokens } from '../shared/tokens.js';
import { questionElement } from './build.js';
import { parseQuizDefinition, type QuizDefinition } from './definition.js';
import { KairosAttemptEvent, KairosCompleteEvent, type WidgetScore } from './events.js';
import { MESSAGES } from './messages.js';
import type { KairosQuestion } from './question.js';
import { answerScore, judge, passMarkOf, quizScore, toQuestionInput } from './scoring.js';
import { learnerStyles } from './styles.js';
import { findTracker } from './tracker.js';

const pageId = () => location.origin + location.pathname;

/**
 * A quiz: question elements as children (`kairos-choice`, `kairos-true-false`, `kairos-fill-in`,
 * `kairos-numeric`, `kairos-ordering`, `kairos-matching`, `kairos-long-text`), or built from JSON (the
 * `definition` property or the `src` attribute; docs/elements.md, "Quiz JSON"). "Check my answers"
 * records an `answered` statement per answered question (response, correct responses, score, success,
 * competencies), then `passed` or `failed` when there is a pass mark, then `completed` with the score,
 * and shows the feedback. Each attempt (up to `attempts`) starts with `attempted`.
 *
 * Form-associated: inside a `<form>` it submits one entry per answered question (named by the
 * question's `name`, else its id; the xAPI response format), and is invalid while a `required` question
 * is unanswered.
 *
 * It records with its `tracker` property, else the nearest ancestor's (a `<kairos-activity>`), else one
 * from the LTI launch page, else one configured by `endpoint`, `token` and `actor`.
 *
 * @tagname kairos-quiz
 * @example
 * <kairos-quiz activity-id="https://school.example/quiz/capitals" name="Capitals" pass-mark="0.5">
 *   <kairos-true-false prompt="Paris is the capital of France." correct="true"></kairos-true-false>
 *   <kairos-fill-in prompt="Capital of Italy?" correct="Rome|Roma" points="2"></kairos-fill-in>
 * </kairos-quiz>
 * @slot - The question elements
 * @event kairos-attempt - An attempt started (`KairosAttemptEvent`)
 * @event kairos-complete - The quiz was checked (`KairosCompleteEvent` with the score and, with a pass mark, success)
 * @event change - An answer changed (from the question elements)
 * @csspart base - The quiz's box
 * @csspart title - The title (`name`)
 * @csspart attempts - "Attempt 1 of 3"
 * @csspart summary - The score and verdict after checking
 * @csspart button - Both buttons; also `submit` or `retry`
 * @csspart state - Loading and error states of `src`
 * @csspart question - Of questions built from JSON (as `prompt`, `choice`, `input`, `feedback`…)
 * @cssproperty --kairos-accent - Buttons and focus
 * @cssproperty --kairos-border - Question borders
 * @cssproperty --kairos-surface - Question background
 * @cssproperty --kairos-radius - Corner radius
 * @cssproperty --kairos-font - Font family
 */
export class KairosQuiz extends LitElement {
  static formAssociated = true;
  static override styles = [
    tokens,
    learnerStyles,
    css`
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .summary {
        font-weight: 600;
      }
    `,
  ];

  /** The quiz's activity IRI (default the definition's `id`, else the page URL + `#quiz`). */
  @property({ attribute: 'activity-id' }) activityId = '';
  /** The quiz's title (default the definition's `title`). */
  @property() name = '';
  /** How many times it may be submitted (default the definition's, else 1; 0: no limit). */
  @property({ type: Number }) attempts?: number;
  /** Share of the points needed to pass: `0.7` or `70%`; no `passed`/`failed` without one. */
  @property({ attribute: 'pass-mark' }) passMark?: string | number;
  /** A URL of the quiz JSON. */
  @property() src = '';
  /** The quiz as JSON (instead of children). */
  @property({ attribute: false }) definition?: QuizDefinition;
  /** The tracker to record with (else found as described above). */
  @property({ attribute: false }) tracker?: Tracker | null;
  /** Set (and reflected) once the quiz has been checked. */
  @property({ type: Boolean, reflect: true }) completed = false;

  /** The current attempt (1 for the first; 0 before it starts). */
  @state() attempt = 0;
  @state() private result?: WidgetScore & { passed?: boolean };
  @state() private loaded: LoadState<QuizDefinition> = { state: 'idle' };
  private built: KairosQuestion[] = [];
  private readonly internals = this.attachInternals();
  private readonly t = new Localize(this, MESSAGES);

  constructor() {
    super();
    this.addEventListener('change', () => this.updateForm());
    this.addEventListener('input', () => this.updateForm());
  }

  private get def(): QuizDefinition | undefined {
    return this.loaded.state === 'ready' ? this.loaded.data : undefined;
  }

  /** The quiz's activity IRI. */
  get quizId(): string {
    return this.activityId || this.def?.id || `${pageId()}#${this.id || 'quiz'}`;
  }

  private get maxAttempts(): number {
    return this.attempts ?? this.def?.attempts ?? 1;
  }

  /** The question elements, in order (children, or built from the definition). */
  get questions(): KairosQuestion[] {
    const root = this.src || this.definition ? this.renderRoot : this;
    return Array.from(root.querySelectorAll<KairosQuestion>('*')).filter((e) => e.kairosQuestion);
  }

  private idOf(q: KairosQuestion, i: number): string {
    return q.questionId || `${this.quizId}/q${i + 1}`;
  }

  private activity(): ActivityInput {
    const name = this.name || this.def?.title;
    return { id: this.quizId, type: ActivityTypes.assessment, ...(name ? { name } : {}) };
  }

  private context() {
    const parent = this.closest('kairos-activity')?.getAttribute('activity-id');
    return parent ? { parent } : undefined;
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('definition') && this.definition) this.use(this.definition);
    if (changed.has('src') && this.src) this.fetchSrc();
  }

  private use(json: unknown) {
    try {
      const d = parseQuizDefinition(json);
      this.built = d.questions.map(questionElement);
      this.loaded = { state: 'ready', data: d };
    } catch (e) {
      this.loaded = { state: 'error', message: (e as Error).message };
    }
  }

  private async fetchSrc() {
    this.loaded = { state: 'loading' };
    try {
      const res = await fetch(this.src);
      if (!res.ok) throw new Error(`${this.src}: ${res.status}`);
      this.use(await res.json());
    } catch (e) {
      this.loaded = { state: 'error', message: (e as Error).message };
    }
  }

  protected override updated(): void {
    const waiting = (this.src || this.definition) && !this.def;
    if (!this.attempt && !waiting) this.start();
    this.updateForm();
  }

  private start() {
    this.attempt++;
    this.tracker = findTracker(this);
    this.tracker?.attempt(this.activity(), { context: this.context() });
    this.dispatchEvent(new KairosAttemptEvent(this.quizId, this.attempt));
  }

  /** Sets the form value (the answers) and validity (required questions answered). */
  private updateForm() {
    const data = new FormData();
    const missing: KairosQuestion[] = [];
    this.questions.forEach((q, i) => {
      const r = q.response;
      if (r !== undefined) data.append(q.name || this.idOf(q, i), formatResponse(r));
      if (q.required && !q.answered) missing.push(q);
    });
    this.internals.setFormValue(data);
    if (missing.length) this.internals.setValidity({ valueMissing: true }, this.t.m.required, missing[0]);
    else this.internals.setValidity({});
  }

  /** Whether every required question is answered (shows the message otherwise). */
  checkValidity(): boolean {
    return this.internals.checkValidity();
  }

  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  get validity(): ValidityState {
    return this.internals.validity;
  }

  get validationMessage(): string {
    return this.internals.validationMessage;
  }

  get form(): HTMLFormElement | null {
    return this.internals.form;
  }

  /**
   * Checks the answers: records them, shows the feedback and the score, and completes the quiz. Returns
   * `false` when a required question is unanswered (and says so) or when it is checked already (see `retry()`).
   */
  submit(): boolean {
    this.updateForm();
    if (this.result || !this.reportValidity()) return false;
    const t = this.tracker;
    const context = { parent: this.activity() };
    const outcomes = this.questions.map((q, i) => {
      const spec = q.spec(this.idOf(q, i));
      const response = q.response;
      const o = judge(spec, response);
      q.outcome = o;
      if (response !== undefined)
        t?.answer(toQuestionInput(spec), response, {
          success: o.success,
          score: o.success === undefined ? undefined : answerScore(o),
          context: { ...context, objectives: spec.competencies },
        });
      return o;
    });
    const s = quizScore(outcomes, passMarkOf(this.passMark ?? this.def?.passMark));
    const score = s.scaled === undefined ? undefined : { raw: s.raw, min: 0, max: s.max, scaled: s.scaled };
    const own = { score, context: this.context() };
    if (t && s.passed !== undefined) t[s.passed ? 'pass' : 'fail'](this.activity(), own);
    t?.complete(this.activity(), { ...own, success: s.passed });
    this.result = s;
    this.completed = true;
    this.dispatchEvent(new KairosCompleteEvent(this.quizId, score, s.passed));
    return true;
  }

  private get canRetry(): boolean {
    const r = this.result;
    const left = !this.maxAttempts || this.attempt < this.maxAttempts;
    return !!r && left && r.passed !== true && r.scaled !== 1;
  }

  /** Starts a new attempt when one is left: answers and feedback are cleared. */
  retry(): void {
    if (!this.canRetry) return;
    for (const q of this.questions) q.reset();
    this.result = undefined;
    this.start();
    this.updateComplete.then(() => this.questions[0]?.focus());
  }

  /** Clears the answers (a form reset). */
  formResetCallback(): void {
    for (const q of this.questions) q.reset();
    this.updateForm();
  }

  formDisabledCallback(disabled: boolean): void {
    for (const q of this.questions) q.disabled = disabled;
  }

  private async clicked(retry: boolean) {
    if (retry) return this.retry();
    if (!this.submit()) return this.questions.find((q) => q.required && !q.answered)?.focus();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.summary')?.focus();
  }

  private summary() {
    const r = this.result!;
    const m = this.t.m;
    const verdict = r.passed === undefined ? '' : r.passed ? m.passed : m.failed;
    const end = this.canRetry || r.passed || r.scaled === 1 ? '' : m.noMore;
    return html`<p part="summary" class="summary" tabindex="-1">
      ${r.max ? m.score(this.t.number(r.raw, 2), this.t.number(r.max, 2), this.t.percent(r.scaled)) : ''}
      ${verdict} ${end}
    </p>`;
  }

  protected override render() {
    const m = this.t.m;
    const title = this.name || this.def?.title;
    const body = html`${
      this.maxAttempts !== 1 && this.attempt
        ? html`<p part="attempts" class="muted">${m.attempt(this.attempt, this.maxAttempts)}</p>`
        : nothing
    }
      ${this.src || this.definition ? this.built : html`<slot></slot>`} ${this.result ? this.summary() : nothing}
      <div class="actions">
        ${
          !this.result
            ? html`<button type="button" part="button submit" @click=${() => this.clicked(false)}>${m.submit}</button>`
            : this.canRetry
              ? html`<button type="button" part="button retry" @click=${() => this.clicked(true)}>${m.retry}</button>`
              : nothing
        }
      </div>`;
    return html`<div part="base">
      ${title ? html`<h2 part="title">${title}</h2>` : nothing}
      ${
        this.src || this.definition
          ? renderState(
              this.loaded,
              { loading: m.loading, error: m.error, retry: m.again, empty: m.empty },
              () => body,
              () => false,
              this.src ? () => this.fetchSrc() : undefined,
            )
          : body
      }
    </div>`;
  }
}
