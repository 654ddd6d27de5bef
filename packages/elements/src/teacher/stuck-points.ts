import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { Share, StuckPoint, StuckPoints } from '../shared/api-types.js';
import type { AnalyticsClient } from '../shared/client.js';
import { Localize } from '../shared/localize.js';
import { renderState } from '../shared/states.js';
import { tokens } from '../shared/tokens.js';
import { TeacherElement } from './base.js';
import { KairosSelectActivityEvent, KairosSelectLearnerEvent } from './events.js';
import { formats } from './format.js';
import { common, lookup, nameOf, titleOf } from './messages.js';
import { explainFr } from './stuck-explain.js';
import { stuckStyles } from './stuck-points.styles.js';
import { hideTip, placeTip, teacherStyles } from './styles.js';

const en = {
  ...common.en,
  title: 'Stuck points',
  filter: 'Filter',
  filterHint: 'Activity, sequence or learner',
  flaggedOnly: 'Flagged only',
  shown: (n: number, total: number) => `${n} of ${total} activities`,
  caption: 'Activities ranked by stuck score: the figures behind each one under “Details”',
  col: lookup({
    rank: '#',
    title: 'Activity',
    n: 'Reached',
    p1: 'P1',
    r: 'R',
    d: 'D',
    t: 'T',
    score: 'Score',
    concerned: 'Learners concerned',
  }),
  colHelp: lookup({
    n: 'learners who reached it',
    p1: 'first-attempt success',
    r: 'repeated failures',
    d: 'drop-outs',
    t: 'slow without success',
  }),
  sortBy: (col: string) => `Sort by ${col}`,
  flagged: 'Flagged',
  reasons: lookup({
    score: 'stuck score',
    'repeated-failures': 'repeated failures',
    'drop-outs': 'drop-outs',
    'low-first-attempt-success': 'low first-attempt success',
  }),
  details: 'Details',
  input: 'Input',
  value: 'Value',
  range: '95 % range',
  counts: 'What it counts',
  p1Counts: (n: number) => `succeeded at their first attempt, of the ${n} assessed`,
  rCounts: (k: number) => `${k} or more attempts and no success`,
  dCounts: (d: number) => `stopped here, unfinished, gone ${d} days or more`,
  tCounts: (f: number, ref: string) => `over ${f}× the ${ref} time, and no success`,
  expected: 'expected',
  median: 'median',
  medianTime: 'Median active time',
  more: (n: number) => `+${n}`,
  none: 'none',
};
const fr: typeof en = {
  ...common.fr,
  title: 'Points de blocage',
  filter: 'Filtrer',
  filterHint: 'Activité, séance ou élève',
  flaggedOnly: 'Signalées seulement',
  shown: (n, total) => `${n} sur ${total} activités`,
  caption: 'Activités classées par score de blocage : les chiffres de chacune sous « Détails »',
  col: lookup({
    rank: 'N°',
    title: 'Activité',
    n: 'Atteinte',
    p1: 'P1',
    r: 'R',
    d: 'D',
    t: 'T',
    score: 'Score',
    concerned: 'Élèves concernés',
  }),
  colHelp: lookup({
    n: 'élèves qui l’ont atteinte',
    p1: 'réussite du premier coup',
    r: 'échecs répétés',
    d: 'abandons',
    t: 'lents sans réussite',
  }),
  sortBy: (col) => `Trier par ${col}`,
  flagged: 'Signalée',
  reasons: lookup({
    score: 'score de blocage',
    'repeated-failures': 'échecs répétés',
    'drop-outs': 'abandons',
    'low-first-attempt-success': 'peu de réussite du premier coup',
  }),
  details: 'Détails',
  input: 'Mesure',
  value: 'Valeur',
  range: 'Intervalle à 95 %',
  counts: 'Ce qu’elle compte',
  p1Counts: (n) => `ont réussi du premier coup, sur les ${n} évalués`,
  rCounts: (k) => `${k} essais ou plus sans réussite`,
  dCounts: (d) => `arrêtés ici sans finir, absents depuis ${d} jours ou plus`,
  tCounts: (f, ref) => `plus de ${f} fois le temps ${ref}, sans réussite`,
  expected: 'prévu',
  median: 'médian',
  medianTime: 'Temps actif médian',
  more: (n) => `+${n}`,
  none: 'aucun',
};

type SortKey = 'rank' | 'title' | 'n' | 'p1' | 'r' | 'd' | 't' | 'score' | 'concerned';
const SORTABLE: SortKey[] = ['rank', 'title', 'n', 'p1', 'r', 'd', 't', 'score', 'concerned'];
type Row = StuckPoint & { rank: number };

const sortValue = (a: Row, key: SortKey): number | string => {
  switch (key) {
    case 'title':
      return titleOf(a).toLocaleLowerCase();
    case 'p1':
      return a.p1?.value ?? -1;
    case 'r':
    case 'd':
    case 't':
      return a[key].value;
    case 'concerned':
      return a.learners.length;
    default:
      return a[key];
  }
};

/**
 * The activities of a course ranked by stuck score (`GET …/stuck-points`), as a sortable, filterable table:
 * each figure's inputs (n, P1, R, D, T and their Wilson 95 % intervals) in plain words on hover and on
 * focus of its score, in a disclosure row under it, and the learners concerned with their reasons.
 *
 * @summary Stuck points of a course.
 * @fires kairos-select-activity - A teacher chose an activity (its title).
 * @fires kairos-select-learner - A teacher chose a learner concerned.
 * @fires kairos-load - The figures arrived and are rendered.
 * @slot heading - Replaces the heading's text.
 * @csspart heading - The heading.
 * @csspart filters - The text filter and the "flagged only" box.
 * @csspart table - The table.
 * @csspart flag - The "flagged" badge of an activity.
 * @csspart details - The disclosure row of an activity's figures.
 * @csspart tooltip - The explanation shown on hover and focus.
 * @csspart state - Loading, empty and error messages.
 * @cssproperty --kairos-danger - The flag's colour.
 * @cssproperty --kairos-accent - Links, focus.
 * @cssproperty --kairos-tooltip-bg - Tooltip background.
 * @cssproperty --kairos-tooltip-text - Tooltip text.
 *
 * @tagname kairos-stuck-points
 */
export class KairosStuckPoints extends TeacherElement<StuckPoints> {
  static override styles = [tokens, teacherStyles, stuckStyles];

  private readonly t = new Localize(this, { en, fr });
  @state() private sort: { key: SortKey; dir: 1 | -1 } = { key: 'rank', dir: 1 };
  @state() private filter = '';
  @state() private flaggedOnly = false;
  @state() private open = new Set<string>();
  @state() private tip?: string;

  protected fetchData(api: AnalyticsClient): Promise<StuckPoints> {
    return api.get<StuckPoints>(this.path('/stuck-points'));
  }

  /** The activities shown, in the order shown (filter and sort applied). */
  get rows(): Row[] {
    const data = this.data;
    if (!data) return [];
    const q = this.filter.trim().toLocaleLowerCase();
    const rows = data.activities
      .map((a, i) => ({ ...a, rank: i + 1 }))
      .filter((a) => !this.flaggedOnly || a.flagged)
      .filter(
        (a) =>
          !q ||
          [titleOf(a), a.sequenceTitle ?? '', a.activity, ...a.learners.map(nameOf)].some((s) =>
            s.toLocaleLowerCase().includes(q),
          ),
      );
    const { key, dir } = this.sort;
    return rows.sort((x, y) => {
      const a = sortValue(x, key);
      const b = sortValue(y, key);
      return (a < b ? -1 : a > b ? 1 : 0) * dir || x.rank - y.rank;
    });
  }

  private explanation(a: StuckPoint): string {
    return this.t.lang === 'en'
      ? a.explanation
      : explainFr(a, this.data?.thresholds ?? {}, formats(this.t.lang));
  }

  override render(): TemplateResult {
    const m = this.t.m;
    return html`<section class="panel" aria-labelledby="h">
      <h2 id="h" part="heading"><slot name="heading">${m.title}</slot></h2>
      ${renderState(
        this.load,
        m,
        (d) => this.table(d),
        (d) => d.activities.length === 0,
        this.retry,
      )}
    </section>`;
  }

  private table(d: StuckPoints): TemplateResult {
    const m = this.t.m;
    const rows = this.rows;
    const tip = rows.find((r) => r.activity === this.tip);
    return html`<div class="filters" part="filters">
        <label>${m.filter}
          <input type="search" .value=${this.filter} placeholder=${m.filterHint}
            @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
        </label>
        <label class="check"><input type="checkbox" .checked=${this.flaggedOnly}
          @change=${(e: Event) => (this.flaggedOnly = (e.target as HTMLInputElement).checked)} />
          ${m.flaggedOnly}</label>
        <span class="muted" role="status">${m.shown(rows.length, d.activities.length)}</span>
      </div>
      <div class="scroll">
        <table part="table">
          <caption class="visually-hidden">${m.caption}</caption>
          <thead><tr>${SORTABLE.map((k) => this.header(k))}</tr></thead>
          <tbody>${rows.map((a) => this.row(a))}</tbody>
        </table>
      </div>
      <div class="tip" part="tooltip" popover="manual" aria-hidden="true">${tip ? this.explanation(tip) : ''}</div>`;
  }

  private header(key: SortKey): TemplateResult {
    const m = this.t.m;
    const sorted = this.sort.key === key;
    const label = m.col(key);
    const help = m.colHelp(key) === key ? undefined : m.colHelp(key);
    return html`<th scope="col" class=${key === 'title' || key === 'concerned' ? '' : 'num'}
      aria-sort=${sorted ? (this.sort.dir === 1 ? 'ascending' : 'descending') : nothing}>
      <button type="button" class="sort" @click=${() => this.sortBy(key)}
        aria-label=${help ? `${label} (${help})` : nothing}>
        ${label}<span class="arrow" aria-hidden="true">${sorted ? (this.sort.dir === 1 ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>`;
  }

  private sortBy(key: SortKey): void {
    const numeric = !['rank', 'title'].includes(key);
    this.sort =
      this.sort.key === key
        ? { key, dir: this.sort.dir === 1 ? -1 : 1 }
        : { key, dir: numeric && key !== 'p1' ? -1 : 1 };
  }

  private row(a: Row): TemplateResult[] {
    const m = this.t.m;
    const f = formats(this.t.lang);
    const id = `a${a.rank}`;
    const open = this.open.has(a.activity);
    const share = (s: Share | null) => html`<td class="num">${s ? f.pct(s.value) : '—'}</td>`;
    const shown = a.learners.slice(0, 3);
    const main = html`<tr class=${a.flagged ? 'flagged' : ''}>
      <td class="num">${a.rank}</td>
      <th scope="row">
        <button type="button" class="link" @click=${() => this.dispatchEvent(new KairosSelectActivityEvent(a.activity, a.title))}>${titleOf(a)}</button>
        ${a.sequenceTitle ? html`<div class="muted small">${a.sequenceTitle}</div>` : nothing}
        ${a.flagged ? html`<span class="badge flag" part="flag"><span aria-hidden="true">⚑ </span>${m.flagged}</span>` : nothing}
      </th>
      <td class="num">${a.n}</td>
      ${share(a.p1)}${share(a.r)}${share(a.d)}${share(a.t)}
      <td class="num">
        <button type="button" class="link score" aria-expanded=${open ? 'true' : 'false'} aria-controls=${`${id}-d`}
          aria-describedby=${`${id}-x`}
          @click=${() => this.toggle(a.activity)}
          @mouseenter=${(e: Event) => this.showTip(a.activity, e.currentTarget as Element)}
          @mouseleave=${() => this.hideTip()}
          @focus=${(e: Event) => this.showTip(a.activity, e.currentTarget as Element)}
          @blur=${() => this.hideTip()}>
          <span aria-hidden="true">${open ? '▾' : '▸'} </span>${f.num(a.score, 1)}<span class="visually-hidden">, ${m.details}</span>
        </button>
        <span id=${`${id}-x`} hidden>${this.explanation(a)}</span>
      </td>
      <td>
        ${a.learners.length === 0 ? html`<span class="muted">${m.none}</span>` : nothing}
        ${shown.map((l) => html`<button type="button" class="link learner" @click=${() => this.selectLearner(l.learner, l.name)}>${nameOf(l)}</button> `)}
        ${a.learners.length > shown.length ? html`<span class="muted">${m.more(a.learners.length - shown.length)}</span>` : nothing}
      </td>
    </tr>`;
    return open ? [main, this.details(a, id)] : [main];
  }

  private details(a: Row, id: string): TemplateResult {
    const m = this.t.m;
    const t = this.t;
    const f = formats(t.lang);
    const th = this.data?.thresholds ?? {};
    const range = (s: Share | null) => (s ? `${f.pct(s.low)}–${f.pct(s.high)}` : '—');
    const line = (name: string, s: Share | null, counts: string) =>
      html`<tr><th scope="row">${name}</th><td class="num">${f.pct(s?.value)}</td><td class="num">${range(s)}</td><td>${counts}</td></tr>`;
    return html`<tr class="details" part="details" id=${`${id}-d`}>
      <td colspan="9">
        <p>${this.explanation(a)}</p>
        ${a.flagged ? html`<p><strong>${m.flagged}</strong>: ${a.reasons.map((r) => m.reasons(r)).join(', ')}</p>` : nothing}
        <table class="inputs">
          <thead><tr><th scope="col">${m.input}</th><th scope="col" class="num">${m.value}</th><th scope="col" class="num">${m.range}</th><th scope="col">${m.counts}</th></tr></thead>
          <tbody>
            <tr><th scope="row">n</th><td class="num">${a.n}</td><td class="num">—</td><td>${m.colHelp('n')}</td></tr>
            ${line('P1', a.p1, m.p1Counts(a.assessed))}
            ${line('R', a.r, m.rCounts(th.repeatedAttempts ?? 3))}
            ${line('D', a.d, m.dCounts(th.inactiveDays ?? 7))}
            ${line('T', a.t, m.tCounts(th.timeFactor ?? 2, a.reference === 'expected' ? m.expected : m.median))}
          </tbody>
        </table>
        ${a.medianActiveMs !== undefined ? html`<p class="muted">${m.medianTime}: ${t.duration(a.medianActiveMs)}</p>` : nothing}
        ${
          a.learners.length > 0
            ? html`<h3>${m.col('concerned')}</h3><ul class="concerned">
              ${a.learners.map(
                (
                  l,
                ) => html`<li><button type="button" class="link" @click=${() => this.selectLearner(l.learner, l.name)}>${nameOf(l)}</button>
                <span class="muted">(${l.reasons.map((r) => m.why(r)).join(', ')})</span></li>`,
              )}
            </ul>`
            : nothing
        }
      </td>
    </tr>`;
  }

  private toggle(activity: string): void {
    const open = new Set(this.open);
    if (!open.delete(activity)) open.add(activity);
    this.open = open;
  }

  private selectLearner(learner: string, name?: string): void {
    this.dispatchEvent(new KairosSelectLearnerEvent(learner, name));
  }

  private anchor?: Element;
  private showTip(activity: string, anchor: Element): void {
    this.tip = activity;
    this.anchor = anchor;
  }

  private hideTip(): void {
    this.tip = undefined;
    this.anchor = undefined;
  }

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.tip) this.hideTip();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
  }

  protected override updated(): void {
    const tip = this.renderRoot.querySelector<HTMLElement>('.tip');
    if (this.tip && this.anchor?.isConnected) placeTip(tip, this.anchor);
    else hideTip(tip);
  }
}
