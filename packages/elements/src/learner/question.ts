import type { InteractionResponse } from '@kairos/sdk';
import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { Localize } from '../shared/localize.js';
import { tokens } from '../shared/tokens.js';
import { MESSAGES } from './messages.js';
import type { Outcome, QuestionSpec, QuestionType } from './scoring.js';
import { learnerStyles } from './styles.js';

/**
 * What every question element of a `<kairos-quiz>` has: an id, a prompt, points, competency alignment,
 * feedback, and the learner's response. Not registered itself; see `kairos-choice` and the others.
 *
 * @slot prompt - The prompt as rich content (instead of the `prompt` attribute)
 * @event change - The learner changed the answer (bubbles, composed)
 * @csspart question - The question's box
 * @csspart prompt - The prompt (a legend or label)
 * @csspart feedback - The feedback shown once the quiz is checked; also `right` or `wrong`
 * @cssproperty --kairos-accent - Focus ring, buttons, right-answer mark
 * @cssproperty --kairos-danger - Wrong-answer mark
 * @cssproperty --kairos-border - The question's border
 */
export abstract class KairosQuestion extends LitElement {
  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };
  static override styles = [tokens, learnerStyles];

  /** Marks question elements for `<kairos-quiz>` (also across two copies of the package on a page). */
  readonly kairosQuestion = true;
  /** The question type, as the quiz JSON names it. */
  abstract readonly type: QuestionType;

  /** The question's activity IRI; default the quiz id + `/q` + its position (from 1). */
  @property({ attribute: 'question-id' }) questionId = '';
  /** The prompt (or use the `prompt` slot). */
  @property() prompt = '';
  /** Points of a right answer. */
  @property({ type: Number }) points = 1;
  /** Competency IRIs the question is aligned to, space-separated (or an array). */
  @property() competencies: string | string[] = '';
  /** The right answer; its form depends on the question type (see each element). */
  @property() correct?: unknown;
  /** Feedback shown after checking, whatever the answer. */
  @property() feedback = '';
  /** Feedback shown after a right answer. */
  @property({ attribute: 'feedback-correct' }) feedbackCorrect = '';
  /** Feedback shown after a wrong answer. */
  @property({ attribute: 'feedback-incorrect' }) feedbackIncorrect = '';
  /** The quiz (and its form) cannot be submitted while this question is unanswered. */
  @property({ type: Boolean, reflect: true }) required = false;
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** The name of this answer in the quiz's form data (default the question id). */
  @property() name = '';

  /** Set by the quiz once checked: the question is locked and shows its feedback. */
  @property({ attribute: false }) outcome?: Outcome;

  protected readonly t = new Localize(this, MESSAGES);
  private observer?: MutationObserver;

  override connectedCallback(): void {
    super.connectedCallback();
    // choices are light-DOM children: re-render when a page or a framework changes them
    this.observer = new MutationObserver(() => this.requestUpdate());
    this.observer.observe(this, { childList: true, subtree: true, attributes: true, characterData: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }

  /** The learner's response as the SDK takes it; `undefined` while unanswered. */
  abstract get response(): InteractionResponse | undefined;

  /** Whether the question counts as answered (for `required`). */
  get answered(): boolean {
    return this.response !== undefined;
  }

  /** Clears the answer and the feedback (a new attempt). */
  reset(): void {
    this.outcome = undefined;
    this.clear();
  }

  /** The question as the scoring reads it, with the id the quiz gives it. */
  spec(id = this.questionId): QuestionSpec {
    const c = this.competencies;
    return {
      type: this.type,
      id,
      prompt: this.prompt || this.querySelector('[slot=prompt]')?.textContent?.trim() || '',
      choices: [],
      points: this.points,
      competencies: typeof c === 'string' ? c.split(/\s+/).filter(Boolean) : c,
      feedback: this.feedback,
      feedbackCorrect: this.feedbackCorrect,
      feedbackIncorrect: this.feedbackIncorrect,
      ...this.own(),
    };
  }

  /** The type's own part of the spec (choices, correct answer…). */
  protected abstract own(): Partial<QuestionSpec>;
  protected abstract clear(): void;
  protected abstract control(): unknown;

  /** Tells the page the answer changed (`change`, like a native control). */
  protected changed(): void {
    this.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }

  protected get locked(): boolean {
    return this.disabled || !!this.outcome;
  }

  /** The prompt with its "required" mark. */
  protected promptContent() {
    return html`<slot name="prompt">${this.prompt}</slot>${
      this.required ? html` <span class="muted">(${this.t.m.requiredMark})</span>` : nothing
    }`;
  }

  protected renderFeedback() {
    const o = this.outcome;
    if (!o) return nothing;
    const m = this.t.m;
    const verdict = o.success === undefined ? m.saved : o.success ? `✓ ${m.right}` : `✗ ${m.wrong}`;
    const kind = o.success === false ? 'wrong' : 'right';
    return html`<div part="feedback ${kind}" class="feedback ${kind}" id="fb">
      <strong>${verdict}</strong> ${o.feedback.join(' ')}
    </div>`;
  }

  /** A group of controls (choices) in a fieldset; single-control questions render a label instead. */
  protected override render() {
    return html`<fieldset part="question" class="panel" ?disabled=${this.locked}>
      <legend part="prompt">${this.promptContent()}</legend>
      ${this.control()} ${this.renderFeedback()}
    </fieldset>`;
  }
}
