import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { KairosQuestion } from './question.js';
import { type NumericRange, parseNumber, type QuestionSpec } from './scoring.js';

/** A question answered by typing: one label and one field. */
abstract class TextQuestion extends KairosQuestion {
  @state() protected text = '';

  protected clear(): void {
    this.text = '';
  }

  /** Why the text is not an answer yet ('' when it is). */
  protected problem(): string {
    return '';
  }

  protected field(multiline: boolean) {
    const problem = this.text.trim() ? this.problem() : '';
    const described = [problem && 'problem', this.outcome && 'fb'].filter(Boolean).join(' ') || nothing;
    const input = (e: Event) => {
      this.text = (e.target as HTMLInputElement).value;
    };
    return multiline
      ? html`<textarea id="c" part="input" rows="6" .value=${this.text} ?disabled=${this.locked}
          aria-describedby=${described} @input=${input} @change=${this.changed}></textarea>`
      : html`<input id="c" part="input" type="text" inputmode=${this.type === 'numeric' ? 'decimal' : nothing}
          autocomplete="off" .value=${this.text} ?disabled=${this.locked} aria-invalid=${problem ? 'true' : nothing}
          aria-describedby=${described} @input=${input} @change=${this.changed} />
          ${problem ? html`<p id="problem" part="problem" class="muted">${problem}</p>` : nothing}`;
  }

  protected control() {
    return this.field(false);
  }

  protected override render() {
    return html`<div part="question" class="panel">
      <label part="prompt" class="prompt" for="c">${this.promptContent()}</label>
      ${this.control()} ${this.renderFeedback()}
    </div>`;
  }
}

/**
 * A short written answer (`fill-in`). `correct` lists the accepted answers, separated by `|` in the
 * attribute (an array as a property); they are compared without case (unless `case-sensitive`) and with
 * spaces trimmed.
 *
 * @tagname kairos-fill-in
 * @example
 * <kairos-fill-in prompt="Capital of Italy?" correct="Rome|Roma"></kairos-fill-in>
 * @slot prompt - The prompt as rich content
 * @event input - The learner typed (native, from the field)
 * @event change - The learner changed the answer
 * @csspart question - The box
 * @csspart prompt - The label
 * @csspart input - The text field
 * @csspart feedback - The feedback after checking
 */
export class KairosFillIn extends TextQuestion {
  readonly type = 'fill-in';
  /** Compare the case of letters too. */
  @property({ type: Boolean, attribute: 'case-sensitive' }) caseSensitive = false;

  get response(): string | undefined {
    return this.text.trim() || undefined;
  }

  protected own(): Partial<QuestionSpec> {
    const c = this.correct;
    return {
      caseSensitive: this.caseSensitive,
      correct: Array.isArray(c) ? c : c ? String(c).split('|') : undefined,
    };
  }
}

/**
 * A number (`numeric`): `correct` with an optional `tolerance`, or a range with `min` and `max`. The
 * learner may type `3,5` or `3.5`.
 *
 * @tagname kairos-numeric
 * @example
 * <kairos-numeric prompt="π to two decimals?" correct="3.14" tolerance="0.005"></kairos-numeric>
 * @slot prompt - The prompt as rich content
 * @event input - The learner typed (native, from the field)
 * @event change - The learner changed the answer
 * @csspart question - The box
 * @csspart prompt - The label
 * @csspart input - The text field
 * @csspart problem - "Enter a number" under a field that does not hold one
 * @csspart feedback - The feedback after checking
 */
export class KairosNumeric extends TextQuestion {
  readonly type = 'numeric';
  /** Accepted distance from `correct`. */
  @property({ type: Number }) tolerance?: number;
  /** Lowest right answer (with `max`, instead of `correct`). */
  @property({ type: Number }) min?: number;
  /** Highest right answer. */
  @property({ type: Number }) max?: number;

  get response(): number | undefined {
    return parseNumber(this.text);
  }

  protected override problem(): string {
    return this.response === undefined ? this.t.m.notNumber : '';
  }

  protected own(): Partial<QuestionSpec> {
    const c = this.correct;
    const range = this.min !== undefined || this.max !== undefined;
    return {
      tolerance: this.tolerance,
      correct: range
        ? { min: this.min, max: this.max }
        : typeof c === 'object' && c
          ? (c as NumericRange)
          : c === undefined || c === ''
            ? undefined
            : Number(c),
    };
  }
}

/**
 * A written production (`long-fill-in`): a text area, recorded as the learner wrote it, never scored
 * (a teacher reads it in the productions list).
 *
 * @tagname kairos-long-text
 * @example
 * <kairos-long-text prompt="Explain why ½ > ⅓." competencies="https://school.example/c/compare"></kairos-long-text>
 * @slot prompt - The prompt as rich content
 * @event input - The learner typed (native, from the text area)
 * @event change - The learner changed the answer
 * @csspart question - The box
 * @csspart prompt - The label
 * @csspart input - The text area
 * @csspart feedback - "Answer recorded" and the feedback after checking
 */
export class KairosLongText extends TextQuestion {
  readonly type = 'long-text';

  get response(): string | undefined {
    return this.text.trim() || undefined;
  }

  protected own(): Partial<QuestionSpec> {
    return {};
  }

  protected override control() {
    return this.field(true);
  }
}
