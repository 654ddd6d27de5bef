import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CourseEvent, Overview } from '../shared/api-types.js';
import type { AnalyticsClient } from '../shared/client.js';
import { Localize } from '../shared/localize.js';
import { renderState } from '../shared/states.js';
import { tokens } from '../shared/tokens.js';
import { TeacherElement } from './base.js';
import type { KairosClassProgress } from './class-progress.js';
import { en, fr } from './dashboard.messages.js';
import { dashboardStyles } from './dashboard.styles.js';
import type { KairosSelectActivityEvent, KairosSelectLearnerEvent } from './events.js';
import { formats } from './format.js';
import { Coalesce, LiveFeed } from './live.js';
import { nameOf, titleOf } from './messages.js';
import type { KairosStuckPoints } from './stuck-points.js';
import { teacherStyles } from './styles.js';

/** A roster group the dashboard can filter by (the API's `group`). */
export interface DashboardGroup {
  id: string;
  name?: string;
}

/** A struggling or stuck learner the live feed announced. */
interface Recent {
  learner: string;
  activity: string;
  type: 'stuck' | 'struggling';
  attempts: number;
  at: string;
}

type Part = 'overview' | 'stuck' | 'learners' | 'competencies' | 'learner' | 'activity';
type Detail = { kind: 'learner'; id: string } | { kind: 'activity'; id: string };
const LISTS = ['stuck-points', 'learners', 'competencies'] as const;
const RECENT = 6;

/**
 * One course for a teacher: a header with the course and its overview, filters by group and period, CSV
 * exports, the stuck points, the class's progress and the competency heat map; a learner's timeline or an
 * activity's item analysis opens beside them when one is chosen. While the class works, the live feed
 * (`GET …/events`) refetches what changed (coalesced, `refresh-delay` ms after the first event of a burst)
 * and a polite live region says who just got stuck or is struggling, and where.
 *
 * @summary The teacher dashboard of a course.
 * @fires kairos-select-learner - Bubbles from the widgets (the dashboard opens the learner's timeline).
 * @fires kairos-select-activity - Bubbles from the widgets (the dashboard opens the item analysis).
 * @fires kairos-level-set - Bubbles from the heat map.
 * @fires kairos-load - The overview arrived (each widget fires its own too).
 * @slot actions - Extra controls in the header (a link back to the LMS…).
 * @csspart header - The header: course, figures, filters, exports.
 * @csspart counts - The overview's counts.
 * @csspart filters - The group and period filters.
 * @csspart exports - The CSV export buttons.
 * @csspart live - "Who just got stuck" (a polite live region).
 * @csspart detail - The panel of the chosen learner or activity.
 * @csspart state - Loading and error messages of the overview.
 * @cssproperty --kairos-font - Font family of every widget.
 * @cssproperty --kairos-accent - Links, focus, bars.
 * @cssproperty --kairos-danger - Flags and errors.
 * @cssproperty --kairos-surface - Panels' background.
 * @cssproperty --kairos-border - Borders.
 * @cssproperty --kairos-gap - Space between the widgets (default 1rem).
 *
 * @tagname kairos-dashboard
 */
export class KairosDashboard extends TeacherElement<Overview> {
  static override styles = [tokens, teacherStyles, dashboardStyles];

  /** The roster groups to filter by; none: no group filter. Also an attribute, as JSON. */
  @property({ type: Array }) groups: DashboardGroup[] = [];
  /** Live updates from the course's event feed (`live="off"` turns them off). */
  @property({ converter: (v) => v !== 'off' && v !== 'false' }) live = true;
  /** Milliseconds between the first live event of a burst and the refetch it causes. */
  @property({ type: Number, attribute: 'refresh-delay' }) refreshDelay = 1500;

  private readonly t = new Localize(this, { en, fr });
  @state() private detail?: Detail;
  @state() private recent: Recent[] = [];
  @state() private exportError?: string;
  private readonly feed = new LiveFeed(
    this,
    () => ({ client: this.api, course: this.course, enabled: this.live }),
    (e) => this.onEvent(e),
  );
  private readonly pending = new Coalesce<Part>(
    () => this.refreshDelay,
    (parts) => void this.refreshParts(parts),
  );

  protected fetchData(api: AnalyticsClient): Promise<Overview> {
    return api.get<Overview>(this.path('/overview'));
  }

  /** Fetches everything shown again (what a live event does for the parts it concerns). */
  override async refresh(): Promise<void> {
    await this.refreshParts(
      new Set(['overview', 'stuck', 'learners', 'competencies', 'learner', 'activity']),
    );
  }

  private widget<E extends HTMLElement>(tag: string): E | null {
    return this.renderRoot.querySelector<E>(tag);
  }

  private async refreshParts(parts: Set<Part>): Promise<void> {
    const tags: [Part, string][] = [
      ['stuck', 'kairos-stuck-points'],
      ['learners', 'kairos-class-progress'],
      ['competencies', 'kairos-competency-heatmap'],
      ['learner', 'kairos-learner-timeline'],
      ['activity', 'kairos-item-analysis'],
    ];
    await Promise.all([
      parts.has('overview') ? super.refresh() : undefined,
      ...tags
        .filter(([p]) => parts.has(p))
        .map(([, tag]) => this.widget<TeacherElement<unknown>>(tag)?.refresh()),
    ]);
  }

  private onEvent(e: CourseEvent): void {
    const d = e.data as { learner?: string; learners?: string[]; activity?: string; attempts?: number };
    const mine = this.detail?.kind === 'learner' ? this.detail.id : undefined;
    const concernsDetail = mine !== undefined && (d.learner === mine || d.learners?.includes(mine));
    if ((e.type === 'stuck' || e.type === 'struggling') && d.learner && d.activity) {
      const item: Recent = {
        learner: d.learner,
        activity: d.activity,
        type: e.type,
        attempts: d.attempts ?? 0,
        at: e.data.at,
      };
      this.recent = [
        item,
        ...this.recent.filter((r) => r.learner !== item.learner || r.activity !== item.activity),
      ].slice(0, RECENT);
      this.pending.mark('overview', 'stuck', 'learners');
    } else if (e.type === 'activity') this.pending.mark('overview', 'stuck', 'learners', 'activity');
    else if (e.type === 'mastery') this.pending.mark('competencies');
    else return;
    if (concernsDetail) this.pending.mark('learner');
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('course') && changed.get('course') !== undefined) {
      this.recent = [];
      this.detail = undefined;
      this.pending.cancel();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.pending.cancel();
  }

  /** A learner's name as the widgets know it (the class's list, then the stuck points'). */
  private nameOf(learner: string): string {
    const list = this.widget<KairosClassProgress>('kairos-class-progress')?.data?.learners.learners;
    const l = list?.find((x) => x.learner === learner);
    if (l?.name) return l.name;
    for (const a of this.widget<KairosStuckPoints>('kairos-stuck-points')?.data?.activities ?? []) {
      const c = a.learners.find((x) => x.learner === learner);
      if (c?.name) return c.name;
    }
    return nameOf({ learner });
  }

  private titleOf(activity: string): string {
    const a = this.widget<KairosStuckPoints>('kairos-stuck-points')?.data?.activities.find(
      (x) => x.activity === activity,
    );
    return titleOf(a ?? { activity });
  }

  override render(): TemplateResult {
    const m = this.t.m;
    const o = this.data;
    return html`<header part="header" class="panel">
        <div class="title">
          <div>
            <h1>${o?.course.title ?? (this.course || m.course)}</h1>
            ${o ? html`<p class="muted small">${m.asOf(formats(this.t.lang).date(o.asOf))}</p>` : nothing}
          </div>
          <slot name="actions"></slot>
        </div>
        ${renderState(
          this.load,
          m,
          (d) => this.counts(d),
          () => false,
          this.retry,
        )}
        ${this.filters()}
      </header>
      ${this.liveRegion()}
      <div class="widgets" @kairos-select-learner=${this.onSelectLearner}
        @kairos-select-activity=${this.onSelectActivity} @kairos-load=${() => this.requestUpdate()}>
        ${this.detail ? this.detailPanel(this.detail) : nothing}
        ${this.child('stuck')}
        ${this.child('learners')}
        ${this.child('competencies')}
      </div>`;
  }

  private child(kind: 'stuck' | 'learners' | 'competencies'): TemplateResult {
    const c = this.api;
    const [course, asOf, group, from, to] = [this.course, this.asOf, this.group, this.from, this.to];
    if (kind === 'stuck')
      return html`<kairos-stuck-points class="wide" .client=${c} .course=${course} .asOf=${asOf} .group=${group} .from=${from} .to=${to}></kairos-stuck-points>`;
    if (kind === 'learners')
      return html`<kairos-class-progress hide-counts .client=${c} .course=${course} .asOf=${asOf} .group=${group} .from=${from} .to=${to}></kairos-class-progress>`;
    return html`<kairos-competency-heatmap .client=${c} .course=${course} .asOf=${asOf} .group=${group} .from=${from} .to=${to}></kairos-competency-heatmap>`;
  }

  private counts(o: Overview): TemplateResult {
    const m = this.t.m;
    const f = formats(this.t.lang);
    const count = (label: string, n: number, flag = false) =>
      html`<div class=${flag && n > 0 ? 'flag' : ''}><dt>${label}</dt><dd>${f.num(n)}</dd></div>`;
    return html`<h2 class="visually-hidden">${m.counts}</h2>
      <dl class="counts" part="counts">
        ${count(m.roster, o.roster)}${count(m.started, o.started)}${count(m.completed, o.completed)}
        ${count(m.active, o.activeLast7Days)}${count(m.flaggedActivities, o.flagged.activities, true)}
        ${count(m.flaggedLearners, o.flagged.learners, true)}
      </dl>`;
  }

  private filters(): TemplateResult {
    const m = this.t.m;
    const day = (iso?: string) => (iso ? localDay(new Date(iso)) : '');
    return html`<div class="bar">
      <fieldset class="filters" part="filters">
        <legend class="visually-hidden">${m.filters}</legend>
        ${
          this.groups.length
            ? html`<label>${m.group}
              <select @change=${(e: Event) => (this.group = (e.target as HTMLSelectElement).value || undefined)}>
                <option value="" ?selected=${!this.group}>${m.allGroups}</option>
                ${this.groups.map((g) => html`<option value=${g.id} ?selected=${this.group === g.id}>${g.name ?? g.id}</option>`)}
              </select></label>`
            : nothing
        }
        <label>${m.from} <input type="date" .value=${day(this.from)}
          @change=${(e: Event) => (this.from = dayStart((e.target as HTMLInputElement).value))} /></label>
        <label>${m.to} <input type="date" .value=${day(this.to)}
          @change=${(e: Event) => (this.to = dayEnd((e.target as HTMLInputElement).value))} /></label>
        ${
          this.group || this.from || this.to
            ? html`<button type="button" class="btn" @click=${() => {
                [this.group, this.from, this.to] = [undefined, undefined, undefined];
              }}>${m.clear}</button>`
            : nothing
        }
      </fieldset>
      <div class="exports" part="exports" role="group" aria-label=${m.exportCsv}>
        <span class="muted small" aria-hidden="true">${m.exportCsv}:</span>
        ${LISTS.map(
          (l) => html`<button type="button" class="btn" @click=${() => this.download(l)}
          aria-label=${`${m.exportCsv}: ${m.csv(l)}`}>${m.csv(l)}</button>`,
        )}
      </div>
      ${this.exportError ? html`<p role="alert" class="error">${m.exportFailed}: ${this.exportError}</p>` : nothing}
    </div>`;
  }

  private liveRegion(): TemplateResult {
    const m = this.t.m;
    const f = formats(this.t.lang);
    const s = this.feed.state;
    return html`<section class="panel live" part="live" aria-labelledby="live-h">
      <h2 id="live-h">${m.justStuck}
        <span class="badge ${s.state === 'live' ? 'on' : ''}">${s.state === 'live' ? `● ${m.live}` : m.liveOff}</span></h2>
      ${s.state === 'refused' ? html`<p class="muted small">${m.liveRefused(s.message)}</p>` : nothing}
      <div role="status" aria-live="polite" aria-relevant="additions text">
        ${this.recent.length === 0 ? html`<p class="muted small">${m.nobodyYet}</p>` : nothing}
        <ul>${this.recent.map((r) => {
          const [who, what] = [this.nameOf(r.learner), this.titleOf(r.activity)];
          const text =
            r.type === 'stuck' ? m.isStuck(who, what, r.attempts) : m.isStruggling(who, what, r.attempts);
          return html`<li class=${r.type}><time datetime=${r.at}>${f.time(r.at)}</time>
            <button type="button" class="link" @click=${() => this.open({ kind: 'learner', id: r.learner })}>${text}</button></li>`;
        })}</ul>
      </div>
    </section>`;
  }

  private detailPanel(d: Detail): TemplateResult {
    const m = this.t.m;
    const c = this.api;
    const [course, asOf, group, from, to] = [this.course, this.asOf, this.group, this.from, this.to];
    return html`<section class="detail wide" part="detail" tabindex="-1" aria-label=${m.details}>
      <button type="button" class="btn close" @click=${() => (this.detail = undefined)}>${m.close}</button>
      ${
        d.kind === 'learner'
          ? html`<kairos-learner-timeline .client=${c} .course=${course} .learner=${d.id} .asOf=${asOf} .group=${group} .from=${from} .to=${to}></kairos-learner-timeline>`
          : html`<kairos-item-analysis .client=${c} .course=${course} .activity=${d.id} .asOf=${asOf} .group=${group} .from=${from} .to=${to}></kairos-item-analysis>`
      }
    </section>`;
  }

  private readonly onSelectLearner = (e: KairosSelectLearnerEvent) =>
    this.open({ kind: 'learner', id: e.learner });

  private readonly onSelectActivity = (e: KairosSelectActivityEvent) =>
    this.open({ kind: 'activity', id: e.activity });

  private async open(d: Detail): Promise<void> {
    this.detail = d;
    await this.updateComplete;
    const panel = this.renderRoot.querySelector<HTMLElement>('.detail');
    panel?.focus({ preventScroll: true });
    panel?.scrollIntoView?.({ block: 'nearest' });
  }

  private async download(list: (typeof LISTS)[number]): Promise<void> {
    this.exportError = undefined;
    try {
      const text = await this.api.csv(this.path(`/${list}`));
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${slug(this.data?.course.title ?? this.course)}-${list}.csv`;
      this.renderRoot.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      this.exportError = e instanceof Error ? e.message : String(e);
    }
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** A date input's day, as the instant it starts (local time) or ends. */
const dayStart = (v: string) => (v ? new Date(`${v}T00:00:00`).toISOString() : undefined);
const dayEnd = (v: string) => (v ? new Date(`${v}T23:59:59.999`).toISOString() : undefined);
const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
    .slice(0, 60) || 'course';
