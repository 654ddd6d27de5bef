import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Competencies, CompetencyCell, CompetencyInfo, Level } from '../shared/api-types.js';
import { type AnalyticsClient, ApiError } from '../shared/client.js';
import { Localize } from '../shared/localize.js';
import { renderState } from '../shared/states.js';
import { tokens } from '../shared/tokens.js';
import { TeacherElement } from './base.js';
import { en, fr } from './competency-heatmap.messages.js';
import { heatmapStyles } from './competency-heatmap.styles.js';
import { KairosLevelSetEvent, KairosSelectLearnerEvent } from './events.js';
import { type Formats, formats } from './format.js';
import { HeatmapCells } from './heatmap-cells.js';
import { LEVELS, nameOf } from './messages.js';
import { follow, type RowWindow, segments } from './row-window.js';
import { hideTip, isOpen, placeTip, teacherStyles } from './styles.js';

const SETTABLE = LEVELS.slice(1) as Level[];
/** Rows drawn at least, and beyond the view on each side once the box's height is known. */
const WINDOW = 40;
const OVERSCAN = 10;
type Pos = { r: number; c: number };
type M = typeof en;

/**
 * Learners × competencies (`GET …/competencies`): each cell shows the model's level as a colour token, a
 * pattern and a short label (never colour alone), and the teacher's level beside it (✎). A grid: one tab
 * stop, arrow keys, Home/End (Ctrl for the corners), Page Up/Down; a cell's P and evidence count on hover
 * and focus; Enter (or a click) opens its menu, where a teacher sets a level by hand
 * (`POST …/assessments`, with an `analytics/write` token) or opens the learner's timeline.
 *
 * @summary Competency heat map of a course.
 * @fires kairos-level-set - The server recorded a teacher's level.
 * @fires kairos-select-learner - A teacher asked for a learner's timeline (from a cell's menu).
 * @fires kairos-load - The data arrived and is rendered.
 * @slot heading - Replaces the heading's text.
 * @csspart heading - The heading.
 * @csspart legend - The list of levels with their label, colour and pattern.
 * @csspart grid - The grid (a `<table role="grid">` in a box that scrolls on its own).
 * @csspart tooltip - A cell's figures, on hover and focus.
 * @csspart menu - A cell's menu: its figures, the levels to set, the learner's timeline.
 * @csspart status - The result of setting a level.
 * @csspart state - Loading, empty and error messages.
 * @cssproperty --kairos-level-none - "Not assessed"
 * @cssproperty --kairos-level-non-acquis - Level non_acquis
 * @cssproperty --kairos-level-en-cours - Level en_cours
 * @cssproperty --kairos-level-acquis - Level acquis
 * @cssproperty --kairos-level-expert - Level expert
 * @cssproperty --kairos-heatmap-height - Height of the grid's box before it scrolls (default 28rem).
 *
 * @tagname kairos-competency-heatmap
 */
export class KairosCompetencyHeatmap extends TeacherElement<Competencies> {
  static override styles = [tokens, teacherStyles, heatmapStyles];

  /** No level menu: the cells show their figures only (a token without `analytics/write`). */
  @property({ type: Boolean, reflect: true }) readonly = false;

  private readonly t = new Localize(this, { en, fr });
  @state() private active: Pos = { r: 0, c: 0 };
  @state() private hover?: Pos;
  @state() private focused = false;
  @state() private menu = false;
  @state() private status?: { ok: boolean; text: string };
  @state() private rev = 0;
  @state() private win: RowWindow = { first: 0, size: WINDOW };
  /** A row's height in px when the rows turned out taller than `--_row` (the spacers' unit otherwise). */
  @state() private pitch?: number;
  private resize?: ResizeObserver;
  private box?: Element;
  private cells = new HeatmapCells();

  protected fetchData(api: AnalyticsClient): Promise<Competencies> {
    return api.get<Competencies>(this.path('/competencies'));
  }

  protected override loaded(d: Competencies): void {
    this.cells = new HeatmapCells(d);
    this.active = {
      r: Math.min(this.active.r, Math.max(0, d.learners.length - 1)),
      c: Math.min(this.active.c, Math.max(0, d.competencies.length - 1)),
    };
    // a new box (after a loading state) starts at the top; a refresh keeps the rows in view
    const from = this.load.state === 'ready' ? this.win.first : 0;
    const first = Math.max(0, Math.min(from, d.learners.length - this.win.size));
    if (first !== this.win.first) this.win = { ...this.win, first };
    this.rev++;
  }

  /** The cell of a learner and a competency, if the API sent one. */
  cellOf(learner: string, competency: string): CompetencyCell | undefined {
    return this.cells.of(learner, competency);
  }

  /** The cell whose tooltip shows: the hovered one, else the focused one; none while the menu is open. */
  private get tipAt(): Pos | undefined {
    return this.menu ? undefined : (this.hover ?? (this.focused ? this.active : undefined));
  }

  override render(): TemplateResult {
    const m = this.t.m;
    return html`<section class="panel" aria-labelledby="h">
      <h2 id="h" part="heading"><slot name="heading">${m.title}</slot></h2>
      ${renderState(
        this.load,
        m,
        (d) => this.body(d),
        (d) => d.learners.length === 0 || d.competencies.length === 0,
        this.retry,
      )}
    </section>`;
  }

  private body(d: Competencies): TemplateResult {
    const m = this.t.m;
    const f = formats(this.t.lang);
    const tipAt = this.tipAt;
    return html`<ul class="legend" part="legend" aria-label=${m.legend}>
        ${LEVELS.map(
          (l) =>
            html`<li><span class="swatch lv-${l}"></span><span class="short">${m.short(l)}</span> ${m.levels(l)}
              <span class="muted">(${this.cells.counts[l] ?? 0})</span></li>`,
        )}
      </ul>
      <p id="keys" class="muted small">${m.keys}</p>
      <div class="box" @scroll=${this.onScroll}>
        ${guard([d, this.active.r, this.active.c, this.rev, this.t.lang, this.win, this.pitch], () =>
          this.grid(d, m, f),
        )}
      </div>
      <p class="status" part="status" role="status">${this.status?.ok ? this.status.text : ''}</p>
      <p class="status error" part="status" role="alert">${this.status && !this.status.ok ? this.status.text : ''}</p>
      <div class="tip" part="tooltip" popover="manual" aria-hidden="true">
        ${tipAt ? this.details(d, tipAt, m, f) : nothing}
      </div>
      <div class="menu" part="menu" popover="auto" role="dialog" aria-labelledby="menu-h"
        @toggle=${this.onToggle} @keydown=${this.onMenuKey}>${this.menu ? this.menuBody(d, m, f) : nothing}</div>`;
  }

  /**
   * The rows near the view (and the active one), with spacers of the others' height: the grid says how
   * many rows it has (`aria-rowcount`) and where each drawn one is (`aria-rowindex`).
   */
  private grid(d: Competencies, m: M, f: Formats): TemplateResult {
    const { r: ar, c: ac } = this.active;
    const cols = d.competencies.length + 1;
    const gap = (k: number) =>
      html`<tr class="gap" aria-hidden="true" style=${this.pitch ? `height:${k * this.pitch}px` : `--k:${k}`}><td colspan=${cols}></td></tr>`;
    return html`<table role="grid" part="grid" aria-labelledby="h" aria-describedby="keys"
      aria-rowcount=${d.learners.length + 1}
      @keydown=${this.onKey} @focusin=${this.onFocusIn} @focusout=${this.onFocusOut}
      @mouseover=${this.onOver} @mouseleave=${this.onLeave} @click=${this.onClick}>
      <thead><tr aria-rowindex="1"><th scope="col" class="corner">${m.learner}</th>
        ${d.competencies.map((c) => html`<th scope="col" title=${c.title}>${c.code ?? c.title}${c.code ? html`<span class="visually-hidden"> ${c.title}</span>` : nothing}</th>`)}
      </tr></thead>
      <tbody>${repeat(
        segments(d.learners.length, this.win, ar),
        // rows keep their element as the window moves, so the focused cell stays focused
        (s, i) => ('row' in s ? s.row : `gap${i}`),
        (s) => {
          if (!('row' in s)) return gap(s.gap);
          const { row: r } = s;
          return html`<tr aria-rowindex=${r + 2}><th scope="row">${nameOf(d.learners[r]!)}</th>${d.competencies.map(
            (_, ci) => this.cell(this.cells.at(r, ci), r, ci, r === ar && ci === ac, m, f),
          )}</tr>`;
        },
      )}</tbody>
      ${d.learners.length > this.win.size ? this.sizer(d, m) : nothing}
    </table>`;
  }

  /**
   * A row that draws nothing (`visibility: collapse`) but holds the longest name and each column's widest
   * cell, so that the columns keep their width whichever rows are drawn.
   */
  private sizer(d: Competencies, m: M): TemplateResult {
    const name = d.learners.map(nameOf).reduce((a, b) => (b.length > a.length ? b : a), '');
    const wide = this.cells.widest(
      (x) => m.short(x.level ?? 'none').length + m.short(x.manual!.level).length,
    );
    return html`<tfoot aria-hidden="true"><tr class="sizer"><th>${name}</th>${d.competencies.map((c) => {
      const x = wide.get(c.id);
      const [lv, man] = [x?.level ?? 'none', x?.manual?.level ?? 'none'];
      return x
        ? html`<td><span class="swatch"></span>${m.short(lv)}<span class="manual">✎${m.short(man)}</span></td>`
        : html`<td></td>`;
    })}</tr></tfoot>`;
  }

  private cell(x: CompetencyCell | undefined, r: number, c: number, active: boolean, m: M, f: Formats) {
    const lv = x?.level ?? 'none';
    const man = x?.manual;
    const shown = man ? `${m.short(lv)}✎${m.short(man.level)}` : m.short(lv);
    // the accessible name starts with the visible text (WCAG 2.5.3), then says it in full
    const label = `${shown}: ${x ? m.cell(m.levels(lv), f.pct(x.p), x.evidence) : m.levels('none')}${
      man ? `; ${m.teacher}: ${m.levels(man.level)}` : ''
    }`;
    // one template per cell, no nested one: a 300-learner window draws 800 of them
    return html`<td tabindex=${active ? 0 : -1} data-r=${r} data-c=${c} aria-haspopup="dialog"
      aria-label=${label}><span class="swatch lv-${lv}"></span>${m.short(lv)}${
        man ? html`<span class="manual">✎${m.short(man.level)}</span>` : nothing
      }</td>`;
  }

  private details(d: Competencies, at: Pos, m: M, f: Formats): TemplateResult {
    const l = d.learners[at.r];
    const c = d.competencies[at.c];
    if (!l || !c) return html``;
    const x = this.cells.at(at.r, at.c);
    const man = x?.manual;
    return html`<strong>${nameOf(l)} · ${label(c)}</strong><br />
      ${m.model}: ${x ? m.modelLine(m.levels(x.level ?? 'none'), f.pct(x.p), x.evidence) : m.levels('none')}
      ${
        man
          ? html`<br />${m.teacherLevel}: ${m.levels(man.level)} (${m.by(man.assessor, f.date(man.assessedAt))})${man.note ? ` — ${man.note}` : ''}`
          : nothing
      }`;
  }

  private menuBody(d: Competencies, m: M, f: Formats): TemplateResult {
    const l = d.learners[this.active.r]!;
    const c = d.competencies[this.active.c]!;
    const current = this.cells.at(this.active.r, this.active.c)?.manual?.level;
    return html`<p id="menu-h" class="visually-hidden">${m.menuLabel(nameOf(l), label(c))}</p>
      <p class="small">${this.details(d, this.active, m, f)}</p>
      ${
        this.readonly
          ? nothing
          : html`<div role="group" aria-label=${m.setLevel} class="levels">
            ${SETTABLE.map(
              (lv) => html`<button type="button" class="btn" aria-pressed=${current === lv ? 'true' : 'false'}
                @click=${() => this.setLevel(l.learner, nameOf(l), c, lv)}><span class="swatch lv-${lv}"></span> ${m.levels(lv)}</button>`,
            )}
          </div>`
      }
      <div class="actions">
        <button type="button" class="link" @click=${() => {
          this.closeMenu();
          this.dispatchEvent(new KairosSelectLearnerEvent(l.learner, l.name));
        }}>${m.openLearner}</button>
        <button type="button" class="btn" @click=${() => this.closeMenu()}>${m.cancel}</button>
      </div>`;
  }

  private async setLevel(learner: string, who: string, c: CompetencyInfo, level: Level): Promise<void> {
    const m = this.t.m;
    this.closeMenu();
    this.status = { ok: true, text: m.saving };
    try {
      const a = await this.api.post<{ level: Level; assessor: string; assessedAt: string }>(
        `/courses/${encodeURIComponent(this.course)}/assessments`,
        { learner, competency: c.id, level },
      );
      this.cells.setManual(learner, c.id, { level, assessor: a.assessor, assessedAt: a.assessedAt });
      this.rev++;
      this.status = { ok: true, text: m.saved(m.levels(level), who, label(c)) };
      this.dispatchEvent(new KairosLevelSetEvent(learner, c.id, level, a.assessor, a.assessedAt));
    } catch (e) {
      const denied = e instanceof ApiError && (e.status === 401 || e.status === 403);
      const why = e instanceof Error ? e.message : String(e);
      this.status = { ok: false, text: `${m.notSaved}: ${denied ? `${m.needsWrite} (${why})` : why}` };
    }
  }

  private cellEl(p: Pos): HTMLElement | undefined {
    return this.renderRoot.querySelector<HTMLElement>(`td[data-r="${p.r}"][data-c="${p.c}"]`) ?? undefined;
  }

  /** Moves the window of drawn rows with the view (the scroll, or the focus scrolling a cell into view). */
  private readonly onScroll = (): void => this.followView();

  private followView(): void {
    const box = this.box;
    const n = this.data?.learners.length ?? 0;
    const row = box?.querySelector('tbody tr[aria-rowindex]');
    const pitch = row?.getBoundingClientRect().height;
    if (!box || !pitch) return; // not rendered (display: none, or out of the document)
    // the spacers count in --_row; rows taller than that (a minimum font size) give them the height measured
    const gap = box.querySelector<HTMLElement>('tr.gap');
    const k = Number(gap?.style.getPropertyValue('--k') || 0);
    const unit = this.pitch ?? (gap && k ? gap.getBoundingClientRect().height / k : pitch);
    if (Math.abs(unit - pitch) > 0.5) this.pitch = pitch;
    const visible = Math.ceil(box.clientHeight / pitch);
    const size = Math.max(WINDOW, visible + 2 * OVERSCAN);
    const first = follow(n, { ...this.win, size }, Math.floor(box.scrollTop / pitch), visible);
    if (first !== this.win.first || size !== this.win.size) this.win = { first, size };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.box) this.resize?.observe(this.box);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
  }

  private posOf(e: Event): Pos | undefined {
    const td = (e.target as Element).closest?.('td[data-r]') as HTMLElement | null;
    return td ? { r: Number(td.dataset.r), c: Number(td.dataset.c) } : undefined;
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    const d = this.data;
    if (!d || !this.posOf(e)) return;
    const [rows, cols] = [d.learners.length - 1, d.competencies.length - 1];
    let { r, c } = this.active;
    switch (e.key) {
      case 'ArrowRight':
        c = Math.min(cols, c + 1);
        break;
      case 'ArrowLeft':
        c = Math.max(0, c - 1);
        break;
      case 'ArrowDown':
        r = Math.min(rows, r + 1);
        break;
      case 'ArrowUp':
        r = Math.max(0, r - 1);
        break;
      case 'PageDown':
        r = Math.min(rows, r + 10);
        break;
      case 'PageUp':
        r = Math.max(0, r - 10);
        break;
      case 'Home':
        [r, c] = [e.ctrlKey ? 0 : r, 0];
        break;
      case 'End':
        [r, c] = [e.ctrlKey ? rows : r, cols];
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.menu = true;
        return;
      default:
        return;
    }
    e.preventDefault();
    this.hover = undefined;
    this.active = { r, c };
    void this.updateComplete.then(() => this.cellEl(this.active)?.focus());
  };

  private readonly onFocusIn = (e: FocusEvent): void => {
    const p = this.posOf(e);
    if (p && (p.r !== this.active.r || p.c !== this.active.c)) this.active = p;
    this.focused = !!p;
  };

  private readonly onFocusOut = (e: FocusEvent): void => {
    if (!(e.relatedTarget instanceof Element && e.relatedTarget.closest('td[data-r]'))) this.focused = false;
  };

  private readonly onOver = (e: MouseEvent): void => {
    const p = this.posOf(e);
    if (p?.r !== this.hover?.r || p?.c !== this.hover?.c) this.hover = p;
  };

  private readonly onLeave = (): void => {
    this.hover = undefined;
  };

  private readonly onClick = (e: MouseEvent): void => {
    const p = this.posOf(e);
    if (!p) return;
    this.active = p;
    this.menu = true;
  };

  private readonly onToggle = (e: Event): void => {
    if ((e as ToggleEvent).newState !== 'closed' || !this.menu) return;
    this.menu = false;
    this.cellEl(this.active)?.focus();
  };

  private readonly onMenuKey = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll('button')];
    const i = buttons.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement);
    buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
    e.preventDefault();
  };

  private closeMenu(): void {
    this.menu = false;
    this.cellEl(this.active)?.focus();
  }

  protected override updated(): void {
    const box = this.renderRoot.querySelector('.box') ?? undefined;
    if (box !== this.box) {
      // a box taller than the window (--kairos-heatmap-height) draws more rows; one that does not scroll, all
      this.resize ??= new ResizeObserver(() => this.followView());
      if (this.box) this.resize.unobserve(this.box);
      if (box) this.resize.observe(box);
      this.box = box;
    }
    const [tip, menu] = [
      this.renderRoot.querySelector<HTMLElement>('.tip'),
      this.renderRoot.querySelector<HTMLElement>('.menu'),
    ];
    const tipAt = this.tipAt;
    if (tipAt) placeTip(tip, this.cellEl(tipAt) ?? null);
    else hideTip(tip);
    if (this.menu && menu && !isOpen(menu)) {
      placeTip(menu, this.cellEl(this.active) ?? null);
      (menu.querySelector<HTMLElement>('[aria-pressed="true"]') ?? menu.querySelector('button'))?.focus();
    } else if (!this.menu) hideTip(menu);
  }
}

const label = (c: CompetencyInfo) => (c.code ? `${c.code} ${c.title}` : c.title);
