import { html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { optionsOf } from './choice.js';
import { KairosQuestion } from './question.js';
import type { Choice, QuestionSpec } from './scoring.js';

/**
 * Match each source to a target (`matching`): one list box per source. Sources are `<option>`
 * children with a `match` attribute naming their right target; targets are `<option target>` children
 * (or the `choices`, `targets` and `correct` `{ sourceId: targetId }` properties).
 *
 * @tagname kairos-matching
 * @example
 * <kairos-matching prompt="Match each country to its capital">
 *   <option value="fr" match="paris">France</option><option value="it" match="rome">Italy</option>
 *   <option value="paris" target>Paris</option><option value="rome" target>Rome</option>
 * </kairos-matching>
 * @slot prompt - The prompt as rich content
 * @event change - The learner picked a target
 * @csspart question - The fieldset
 * @csspart prompt - The legend
 * @csspart pair - One source with its list box
 * @csspart select - A list box of targets
 * @csspart feedback - The feedback after checking
 */
export class KairosMatching extends KairosQuestion {
  readonly type = 'matching';
  /** The sources, instead of `<option>` children. */
  @property({ attribute: false }) choices?: Choice[];
  /** The targets, instead of `<option target>` children. */
  @property({ attribute: false }) targets?: Choice[];
  /** Source id → the target id the learner picked. */
  @state() private pairs: Record<string, string> = {};

  private list(targets: boolean): Choice[] {
    return (
      (targets ? this.targets : this.choices) ??
      optionsOf(this, targets ? 'option[target]' : 'option:not([target])').map((o) => ({
        id: o.value,
        label: o.label,
      }))
    );
  }

  /** The matched `[source, target]` pairs, in source order; `undefined` when none. */
  get response(): [string, string][] | undefined {
    const r = this.list(false).flatMap((s): [string, string][] =>
      this.pairs[s.id] ? [[s.id, this.pairs[s.id]!]] : [],
    );
    return r.length ? r : undefined;
  }

  /** Answered once every source has a target. */
  override get answered(): boolean {
    return this.list(false).every((s) => this.pairs[s.id]);
  }

  protected own(): Partial<QuestionSpec> {
    const marked = optionsOf(this, 'option[match]').map((o) => [o.value, o.getAttribute('match')!]);
    return {
      choices: this.list(false),
      targets: this.list(true),
      correct:
        (this.correct as Record<string, string>) ?? (marked.length ? Object.fromEntries(marked) : undefined),
    };
  }

  protected clear(): void {
    this.pairs = {};
  }

  protected control() {
    const targets = this.list(true);
    return this.list(false).map(
      (s, i) => html`<div part="pair" class="pair">
        <label for="m${i}">${s.label}</label>
        <select id="m${i}" part="select" @change=${(e: Event) => {
          this.pairs = { ...this.pairs, [s.id]: (e.target as HTMLSelectElement).value };
          this.changed();
        }}>
          <option value="">${this.t.m.choose}</option>
          ${targets.map((t) => html`<option value=${t.id} .selected=${this.pairs[s.id] === t.id}>${t.label}</option>`)}
        </select>
      </div>`,
    );
  }
}
