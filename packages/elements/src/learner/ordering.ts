import { html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { optionsOf } from './choice.js';
import { KairosQuestion } from './question.js';
import type { Choice, QuestionSpec } from './scoring.js';

/**
 * Put items in order (`sequencing`). Items are `<option>` children (or the `choices` property), shown
 * in that order; `correct` lists every item's value in the right order, space-separated (an array as
 * a property). Each item has "move up" and "move down" buttons, so the keyboard orders as well as the
 * pointer; the new position is announced.
 *
 * @tagname kairos-ordering
 * @example
 * <kairos-ordering prompt="From smallest to largest" correct="third half whole">
 *   <option value="half">½</option><option value="whole">1</option><option value="third">⅓</option>
 * </kairos-ordering>
 * @slot prompt - The prompt as rich content
 * @event change - The learner moved an item
 * @csspart question - The fieldset
 * @csspart prompt - The legend
 * @csspart items - The list
 * @csspart item - One item
 * @csspart move - A move button
 * @csspart feedback - The feedback after checking
 */
export class KairosOrdering extends KairosQuestion {
  readonly type = 'ordering';
  /** The items, instead of `<option>` children. */
  @property({ attribute: false }) choices?: Choice[];
  /** The learner's order (item ids); unset: as shown at first. */
  @state() private order?: string[];
  @state() private said = '';

  private get items(): Choice[] {
    const all = this.choices ?? optionsOf(this).map((o) => ({ id: o.value, label: o.label }));
    const at = (c: Choice) => this.order?.indexOf(c.id) ?? 0;
    return this.order ? [...all].sort((a, b) => at(a) - at(b)) : all;
  }

  /** The items' ids in the learner's order (an ordering is always answered). */
  get response(): string[] {
    return this.items.map((c) => c.id);
  }

  protected own(): Partial<QuestionSpec> {
    const c = this.correct;
    return { choices: this.items, correct: Array.isArray(c) ? c : c ? String(c).split(/\s+/) : undefined };
  }

  protected clear(): void {
    this.order = undefined;
    this.said = '';
  }

  private async move(i: number, by: -1 | 1) {
    const items = this.items;
    const j = i + by;
    [items[i], items[j]] = [items[j]!, items[i]!];
    this.order = items.map((c) => c.id);
    this.said = this.t.m.moved(items[j]!.label, j + 1, items.length);
    this.changed();
    await this.updateComplete;
    // keep the focus on the moved item: the same button, or the other one at either end
    const buttons = this.renderRoot.querySelectorAll('li')[j]!.querySelectorAll('button');
    const same = buttons[by < 0 ? 0 : 1]!;
    (same.disabled ? buttons[by < 0 ? 1 : 0]! : same).focus();
  }

  protected control() {
    const items = this.items;
    const m = this.t.m;
    return html`<ol part="items" class="items">
        ${items.map(
          (c, i) => html`<li part="item">
            <span>${c.label}</span>
            <span class="moves">
              <button type="button" part="move" aria-label=${m.up(c.label)} ?disabled=${i === 0}
                @click=${() => this.move(i, -1)}>↑</button>
              <button type="button" part="move" aria-label=${m.down(c.label)} ?disabled=${i === items.length - 1}
                @click=${() => this.move(i, 1)}>↓</button>
            </span>
          </li>`,
        )}
      </ol>
      <p class="visually-hidden" role="status">${this.said}</p>`;
  }
}
