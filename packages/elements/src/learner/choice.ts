import { html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { KairosQuestion } from './question.js';
import type { Choice, QuestionSpec } from './scoring.js';

/** The `<option>` children of a question, as choices. */
export const optionsOf = (el: Element, selector = 'option'): HTMLOptionElement[] =>
  Array.from(el.querySelectorAll<HTMLOptionElement>(`:scope > ${selector}`));

const words = (v: unknown): string[] | undefined =>
  v === undefined || v === null || v === ''
    ? undefined
    : Array.isArray(v)
      ? v.map(String)
      : String(v).split(/\s+/);

/**
 * A single- or multiple-choice question (`cmi.interaction` `choice`): radio buttons, or checkboxes with
 * `multiple`. Choices are `<option>` children (`value`, label text, `correct` and `feedback` attributes)
 * or the `choices` property.
 *
 * @tagname kairos-choice
 * @example
 * <kairos-choice prompt="Capital of France?" competencies="https://school.example/c/capitals">
 *   <option value="paris" correct feedback="Yes, since 508.">Paris</option>
 *   <option value="lyon">Lyon</option>
 * </kairos-choice>
 * @slot prompt - The prompt as rich content
 * @event change - The learner picked or unpicked a choice
 * @csspart question - The fieldset
 * @csspart prompt - The legend
 * @csspart choice - One choice's label (with its input)
 * @csspart feedback - The feedback after checking
 */
export class KairosChoice extends KairosQuestion {
  readonly type: 'choice' | 'true-false' = 'choice';
  /** Several choices may be picked (checkboxes). */
  @property({ type: Boolean, reflect: true }) multiple = false;
  /** The choices, instead of `<option>` children. */
  @property({ attribute: false }) choices?: Choice[];
  @state() protected picked: string[] = [];

  /** The choices shown, in order. */
  get items(): Choice[] {
    return (
      this.choices ??
      optionsOf(this).map((o) => ({
        id: o.value,
        label: o.label,
        feedback: o.getAttribute('feedback') ?? undefined,
      }))
    );
  }

  /** The picked choice ids, in the order shown; `undefined` when none. */
  get response(): string[] | boolean | undefined {
    const ids = this.items.map((c) => c.id).filter((id) => this.picked.includes(id));
    return ids.length ? ids : undefined;
  }

  protected own(): Partial<QuestionSpec> {
    const marked = optionsOf(this, 'option[correct]').map((o) => o.value);
    return {
      multiple: this.multiple,
      choices: this.items,
      correct: words(this.correct) ?? (marked.length ? marked : undefined),
    };
  }

  protected clear(): void {
    this.picked = [];
  }

  private pick(id: string, on: boolean) {
    this.picked = this.multiple ? this.picked.filter((x) => x !== id).concat(on ? [id] : []) : [id];
    this.changed();
  }

  protected control() {
    const type = this.multiple ? 'checkbox' : 'radio';
    return this.items.map(
      (c) => html`<label part="choice" class="choice">
        <input
          type=${type}
          name="c"
          .value=${c.id}
          .checked=${this.picked.includes(c.id)}
          @change=${(e: Event) => this.pick(c.id, (e.target as HTMLInputElement).checked)}
        />
        ${c.label}
      </label>`,
    );
  }
}

/**
 * A true/false question (`true-false`): two radio buttons, "True" and "False" in the page's language.
 * `correct="true"` or `correct="false"`.
 *
 * @tagname kairos-true-false
 * @example
 * <kairos-true-false prompt="½ is more than ⅓." correct="true" feedback-incorrect="Compare 3/6 and 2/6."></kairos-true-false>
 * @slot prompt - The prompt as rich content
 * @event change - The learner picked an answer
 * @csspart question - The fieldset
 * @csspart prompt - The legend
 * @csspart choice - One answer's label (with its radio button)
 * @csspart feedback - The feedback after checking
 */
export class KairosTrueFalse extends KairosChoice {
  override readonly type = 'true-false';

  override get items(): Choice[] {
    return [
      { id: 'true', label: this.t.m.yes },
      { id: 'false', label: this.t.m.no },
    ];
  }

  override get response(): boolean | undefined {
    return this.picked.length ? this.picked[0] === 'true' : undefined;
  }

  protected override own(): Partial<QuestionSpec> {
    const c = this.correct;
    return { choices: this.items, correct: c === undefined || c === '' ? undefined : String(c) === 'true' };
  }
}
