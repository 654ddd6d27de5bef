import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LearnerDetail } from '../shared/api-types.js';
import type { AnalyticsClient } from '../shared/client.js';
import { Localize } from '../shared/localize.js';
import { renderState } from '../shared/states.js';
import { tokens } from '../shared/tokens.js';
import { flagBadges } from './badges.js';
import { TeacherElement } from './base.js';
import { sparkline, stepAt } from './charts.js';
import { KairosSelectActivityEvent } from './events.js';
import { type Formats, formats } from './format.js';
import { en, fr } from './learner-timeline.messages.js';
import { timelineStyles } from './learner-timeline.styles.js';
import { nameOf, titleOf } from './messages.js';
import { teacherStyles } from './styles.js';

type M = typeof en;
type Mastery = LearnerDetail['mastery'][number];

/**
 * One learner of a course (`GET …/learners/{learner}`): what raised each flag, each competency's P
 * trajectory as a small line (focus it, then arrow keys go through the BKT steps: activity, right or
 * wrong, P before and after), the attempts per activity, and the timeline of what the learner did.
 *
 * @summary A learner's timeline, activities and mastery.
 * @fires kairos-select-activity - A teacher chose an activity (its title).
 * @fires kairos-load - The data arrived and is rendered.
 * @slot heading - Replaces the heading's text (the learner's name).
 * @csspart heading - The heading.
 * @csspart flags - The flags and what raised them.
 * @csspart mastery - The competencies' list.
 * @csspart trajectory - A competency's P line (a slider over its steps).
 * @csspart table - The activities' table.
 * @csspart timeline - The timeline (`<ol>`).
 * @csspart badge - A flag's badge.
 * @csspart state - Loading, empty and error messages.
 * @cssproperty --kairos-accent - The P line.
 * @cssproperty --kairos-level-* - Level swatches.
 *
 * @tagname kairos-learner-timeline
 */
export class KairosLearnerTimeline extends TeacherElement<LearnerDetail> {
  static override styles = [tokens, teacherStyles, timelineStyles];
  protected static override dataKeys = ['learner'];

  /** The learner: an agent key (`account:<homePage>|<name>`), a roster user id, or `me`. */
  @property() learner = '';

  private readonly t = new Localize(this, { en, fr });
  /** The selected step of each competency's line (0: the prior). */
  @state() private steps = new Map<string, number>();
  @state() private shown?: string;

  protected override canFetch(): boolean {
    return this.course !== '' && this.learner !== '';
  }

  protected fetchData(api: AnalyticsClient): Promise<LearnerDetail> {
    return api.get<LearnerDetail>(this.path(`/learners/${encodeURIComponent(this.learner)}`));
  }

  override render(): TemplateResult {
    const m = this.t.m;
    const d = this.data;
    return html`<section class="panel" aria-labelledby="h">
      <h2 id="h" part="heading"><slot name="heading">${d ? nameOf(d.learner) : m.learner}</slot></h2>
      ${renderState(
        this.load,
        m,
        (x) => this.body(x),
        () => false,
        this.retry,
      )}
    </section>`;
  }

  private body(d: LearnerDetail): TemplateResult {
    const m = this.t.m;
    const f = formats(this.t.lang);
    const l = d.learner;
    const titles = new Map(d.activities.map((a) => [a.activity, titleOf(a)]));
    const title = (activity: string) => titles.get(activity) ?? titleOf({ activity });
    return html`<p class="muted">${m.summary(l.completed, l.reached, l.succeeded)} · ${m.activeTime}
        ${this.t.duration(l.activeMs)} · ${m.firstSeen} ${f.date(l.firstSeen)} · ${m.lastSeen} ${f.date(l.lastSeen)}</p>
      ${this.flags(d, m, f, title)}
      <h3>${m.mastery}</h3>
      ${
        d.mastery.length === 0
          ? html`<p class="muted">${m.noMastery}</p>`
          : html`<p class="muted small">${m.stepsHint}</p>
            <ul class="mastery" part="mastery">${d.mastery.map((x) => this.competency(x, m, f, title))}</ul>`
      }
      <h3>${m.activities}</h3>
      ${this.activities(d, m, f)}
      <h3>${m.timeline} <span class="muted small">(${m.timelineHint})</span></h3>
      <ol class="timeline" part="timeline">
        ${d.timeline.map((x) => {
          const verb = x.verb.split('/').pop() ?? x.verb;
          return html`<li>
            <time datetime=${x.ts}>${f.date(x.ts)}</time>
            <span>${m.verbs(verb)} <strong>${title(x.activity)}</strong>
              ${x.success === undefined ? nothing : html`<span class=${x.success ? 'ok' : 'ko'}>${x.success ? `✓ ${m.yes}` : `✗ ${m.no}`}</span>`}
              ${x.credit === undefined ? nothing : html`<span class="muted">${f.pct(x.credit)}</span>`}
              ${x.response === undefined ? nothing : html`<span class="muted">· ${m.response} « ${x.response} »</span>`}
              ${x.durationMs === undefined ? nothing : html`<span class="muted">· ${m.duration} ${this.t.duration(x.durationMs)}</span>`}
            </span>
          </li>`;
        })}
      </ol>`;
  }

  private flags(d: LearnerDetail, m: M, f: Formats, title: (a: string) => string): TemplateResult {
    const comps = new Map(d.mastery.map((x) => [x.competency, x.title ?? x.competency]));
    const lists: [string, string[], (id: string) => TemplateResult][] = [
      ['struggling', d.flags.struggling, (a) => this.activityLink(a, title(a))],
      ['stuck', d.flags.stuck, (a) => this.activityLink(a, title(a))],
      ['wheelSpinning', d.flags.wheelSpinning, (c) => html`${comps.get(c) ?? c}`],
      ['rapidGuessing', d.flags.rapidGuessing, (a) => this.activityLink(a, title(a))],
    ];
    const items = lists.filter(([, ids]) => ids.length > 0);
    const gone = d.flags.abandoned;
    return html`<div part="flags" class="flags">
      <h3>${m.flagsTitle}</h3>
      ${items.length === 0 && !gone ? html`<p class="muted">${m.noFlags}</p>` : nothing}
      <ul>
        ${items.map(
          ([k, ids, show]) =>
            html`<li>${flagBadges({ ...d.learner, raised: [k] }, m)} ${m.raisedBy(k)}
              ${ids.map((id, i) => html`${i ? ', ' : ''}${show(id)}`)}</li>`,
        )}
        ${
          gone
            ? html`<li>${flagBadges({ ...d.learner, raised: ['abandoned'] }, m)} ${m.abandonedSince(f.day(gone.lastSeen), gone.unfinished)}</li>`
            : nothing
        }
      </ul>
    </div>`;
  }

  private activityLink(activity: string, title: string): TemplateResult {
    return html`<button type="button" class="link" @click=${() => this.dispatchEvent(new KairosSelectActivityEvent(activity, title))}>${title}</button>`;
  }

  private competency(x: Mastery, m: M, f: Formats, title: (a: string) => string): TemplateResult {
    const n = x.steps.length;
    const at = this.steps.get(x.competency) ?? n;
    const step = at > 0 ? x.steps[at - 1] : undefined;
    const describe = step
      ? `${m.step(at, n, f.date(step.ts), title(step.activity), step.correct, f.pct(step.credit))}; ${m.moved(f.pct(step.pBefore), f.pct(step.pAfter))}${step.weight < 1 ? `, ${m.weight(f.num(step.weight, 2))}` : ''}${step.level ? `, ${m.levels(step.level)}` : ''}`
      : m.prior(f.pct(x.steps[0]?.pBefore ?? x.p));
    const lv = x.level ?? 'none';
    const open = this.shown === x.competency;
    const select = (i: number) => {
      this.steps = new Map(this.steps).set(x.competency, i);
    };
    return html`<li>
      <div class="comp">
        <span class="swatch lv-${lv}"></span>
        <strong>${x.title ?? x.competency}</strong>
        <span>${m.levels(lv)}, P ${f.pct(x.p)}</span>
        ${x.manual ? html`<span class="muted">(${m.teacherLevel}: ${m.levels(x.manual.level)})</span>` : nothing}
      </div>
      <div class="spark" part="trajectory" role="slider" tabindex="0" aria-label=${m.trajectory(x.title ?? x.competency)}
        aria-valuemin="0" aria-valuemax=${n} aria-valuenow=${at} aria-valuetext=${describe}
        @focus=${() => (this.shown = x.competency)} @blur=${() => (this.shown = undefined)}
        @mouseenter=${() => (this.shown = x.competency)} @mouseleave=${() => (this.shown = undefined)}
        @mousemove=${(e: MouseEvent) => select(stepAt(e, n))}
        @keydown=${(e: KeyboardEvent) => {
          const next = {
            ArrowRight: at + 1,
            ArrowUp: at + 1,
            ArrowLeft: at - 1,
            ArrowDown: at - 1,
            Home: 0,
            End: n,
          }[e.key];
          if (next === undefined) return;
          e.preventDefault();
          select(Math.max(0, Math.min(n, next)));
        }}>
        ${sparkline({ start: x.steps[0]?.pBefore ?? x.p, points: x.steps.map((s) => s.pAfter) }, open ? at : undefined)}
      </div>
      <p class="step small" ?hidden=${!open}>${describe}</p>
    </li>`;
  }

  private activities(d: LearnerDetail, m: M, f: Formats): TemplateResult {
    const yn = (v: boolean | undefined) =>
      v === undefined ? '—' : html`<span class=${v ? 'ok' : 'ko'}>${v ? `✓ ${m.yes}` : `✗ ${m.no}`}</span>`;
    return html`<div class="scroll" role="region" aria-label=${m.activities} tabindex="0">
      <table part="table">
        <thead><tr>
          <th scope="col">${m.activity}</th><th scope="col" class="num">${m.attempts}</th>
          <th scope="col">${m.firstTry}</th><th scope="col" class="num">${m.best}</th>
          <th scope="col" class="num">${m.last}</th><th scope="col">${m.status}</th>
          <th scope="col" class="num">${m.activeTime}</th><th scope="col">${m.lastSeen}</th>
        </tr></thead>
        <tbody>${d.activities.map(
          (a) => html`<tr>
            <th scope="row">${this.activityLink(a.activity, titleOf(a))}</th>
            <td class="num">${a.attempts}</td><td>${yn(a.firstSuccess)}</td>
            <td class="num">${f.pct(a.bestCredit)}</td><td class="num">${f.pct(a.lastCredit)}</td>
            <td>${a.succeeded ? m.succeeded : a.completed ? m.completed : m.inProgress}</td>
            <td class="num">${this.t.duration(a.activeMs)}</td><td>${f.date(a.lastSeen)}</td>
          </tr>`,
        )}</tbody>
      </table>
    </div>`;
  }
}
