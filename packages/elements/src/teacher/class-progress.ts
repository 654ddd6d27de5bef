import { css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LearnerSummary, Learners, Overview } from '../shared/api-types.js';
import type { AnalyticsClient } from '../shared/client.js';
import { Localize } from '../shared/localize.js';
import { renderState } from '../shared/states.js';
import { tokens } from '../shared/tokens.js';
import { flagBadges } from './badges.js';
import { TeacherElement } from './base.js';
import { KairosSelectLearnerEvent } from './events.js';
import { type Formats, formats } from './format.js';
import { common, nameOf } from './messages.js';
import { teacherStyles } from './styles.js';

const en = {
  ...common.en,
  title: 'Class progress',
  counts: 'The class in figures',
  roster: 'Enrolled',
  started: 'Started',
  notStarted: 'Not started',
  completed: 'Completed the course',
  active: 'Active in the last 7 days',
  flaggedActivities: 'Activities flagged',
  flaggedLearners: 'Learners with a flag',
  caption: 'Each learner’s progress and flags',
  progress: 'Progress',
  progressOf: (done: number, reached: number, of: number) => `${done} done, ${reached} reached, of ${of}`,
  succeeded: 'Succeeded',
  activeTime: 'Active time',
  lastSeen: 'Last seen',
  flagsCol: 'Flags',
  flaggedOnly: 'Only learners with a flag',
  notStartedYet: 'not started',
  done: 'done',
  reached: 'reached',
};
const fr: typeof en = {
  ...common.fr,
  title: 'Progression de la classe',
  counts: 'La classe en chiffres',
  roster: 'Inscrits',
  started: 'Ont commencé',
  notStarted: 'Pas commencé',
  completed: 'Ont terminé le cours',
  active: 'Actifs ces 7 derniers jours',
  flaggedActivities: 'Activités signalées',
  flaggedLearners: 'Élèves signalés',
  caption: 'La progression et les signaux de chaque élève',
  progress: 'Progression',
  progressOf: (done, reached, of) => `${done} terminées, ${reached} atteintes, sur ${of}`,
  succeeded: 'Réussies',
  activeTime: 'Temps actif',
  lastSeen: 'Vu le',
  flagsCol: 'Signaux',
  flaggedOnly: 'Seulement les élèves signalés',
  notStartedYet: 'pas commencé',
  done: 'terminées',
  reached: 'atteintes',
};
type M = typeof en;

/** What `<kairos-class-progress>` shows: the overview's counts and every learner's row. */
export interface ClassProgressData {
  overview: Overview;
  learners: Learners;
}

/**
 * The class at a glance: the overview's counts (`GET …/overview`) and each learner's progress
 * (`GET …/learners`) as bars of activities reached and completed, with their flags as labelled badges.
 *
 * @summary Class progress of a course.
 * @fires kairos-select-learner - A teacher chose a learner (its name).
 * @fires kairos-load - The data arrived and is rendered.
 * @slot heading - Replaces the heading's text.
 * @csspart heading - The heading.
 * @csspart counts - The overview's counts (a `<dl>`).
 * @csspart table - The learners' table.
 * @csspart bar - A learner's progress bar.
 * @csspart badge - A flag's badge.
 * @csspart state - Loading, empty and error messages.
 * @cssproperty --kairos-accent - The completed part of a bar.
 * @cssproperty --kairos-progress-reached - The reached part of a bar (default: the accent, lighter).
 * @cssproperty --kairos-danger - Flags.
 *
 * @tagname kairos-class-progress
 */
export class KairosClassProgress extends TeacherElement<ClassProgressData> {
  static override styles = [
    tokens,
    teacherStyles,
    css`
      .counts {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
        gap: 0.5rem;
        margin: 0 0 0.75rem;
      }
      .counts div {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 0.35rem 0.5rem;
      }
      dt {
        font-size: 0.8125rem;
        color: var(--_muted);
      }
      dd {
        margin: 0;
        font-size: 1.25rem;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      /* one element, its parts a gradient: a bar with two positioned children cost a 300-learner class
         ~40 ms of layout and paint */
      .bar {
        --_reached: var(
          --kairos-progress-reached,
          color-mix(in srgb, var(--_accent) 30%, var(--_surface))
        );
        width: 8rem;
        height: 0.7rem;
        border: 1px solid var(--_border);
        border-radius: 999px;
        background: linear-gradient(
          to right,
          var(--_accent) var(--done),
          var(--_reached) var(--done) var(--reached),
          var(--_surface) var(--reached)
        );
        display: inline-block;
        vertical-align: middle;
      }
      .check {
        display: inline-flex;
        gap: 0.35rem;
        margin-bottom: 0.5rem;
      }
    `,
  ];

  /** Leaves the overview's counts out (`<kairos-dashboard>` shows them in its header). */
  @property({ type: Boolean, attribute: 'hide-counts' }) hideCounts = false;

  private readonly t = new Localize(this, { en, fr });
  @state() private flaggedOnly = false;

  protected async fetchData(api: AnalyticsClient): Promise<ClassProgressData> {
    const [overview, learners] = await Promise.all([
      api.get<Overview>(this.path('/overview')),
      api.get<Learners>(this.path('/learners')),
    ]);
    return { overview, learners };
  }

  override render(): TemplateResult {
    const m = this.t.m;
    return html`<section class="panel" aria-labelledby="h">
      <h2 id="h" part="heading"><slot name="heading">${m.title}</slot></h2>
      ${renderState(
        this.load,
        m,
        (d) => this.body(d),
        () => false,
        this.retry,
      )}
    </section>`;
  }

  private body({ overview: o, learners }: ClassProgressData): TemplateResult {
    const m = this.t.m;
    const f = formats(this.t.lang);
    const count = (label: string, n: number) => html`<div><dt>${label}</dt><dd>${f.num(n)}</dd></div>`;
    const rows = this.flaggedOnly ? learners.learners.filter((l) => l.raised.length > 0) : learners.learners;
    return html`${
      this.hideCounts
        ? nothing
        : html`<h3 class="visually-hidden">${m.counts}</h3><dl class="counts" part="counts">
        ${count(m.roster, o.roster)}${count(m.started, o.started)}${count(m.notStarted, o.notStarted)}
        ${count(m.completed, o.completed)}${count(m.active, o.activeLast7Days)}
        ${count(m.flaggedActivities, o.flagged.activities)}${count(m.flaggedLearners, o.flagged.learners)}
      </dl>`
    }
      ${
        learners.learners.length === 0
          ? html`<p part="state" class="muted">${m.empty}</p>`
          : html`<label class="check"><input type="checkbox" .checked=${this.flaggedOnly}
              @change=${(e: Event) => (this.flaggedOnly = (e.target as HTMLInputElement).checked)} />${m.flaggedOnly}</label>
            <div class="scroll" role="region" aria-label=${m.caption} tabindex="0">
              <table part="table">
                <caption class="visually-hidden">${m.caption}</caption>
                <thead><tr>
                  <th scope="col">${m.learner}</th><th scope="col">${m.progress}</th>
                  <th scope="col" class="num">${m.succeeded}</th><th scope="col" class="num">${m.activeTime}</th>
                  <th scope="col">${m.lastSeen}</th><th scope="col">${m.flagsCol}</th>
                </tr></thead>
                <tbody>${rows.map((l) => this.row(l, Math.max(o.activities, 1), m, f))}</tbody>
              </table>
            </div>`
      }`;
  }

  private row(l: LearnerSummary, of: number, m: M, f: Formats): TemplateResult {
    const pc = (n: number) => `${Math.min(100, (n / of) * 100).toFixed(1)}%`;
    return html`<tr>
      <th scope="row"><button type="button" class="link" @click=${() => this.dispatchEvent(new KairosSelectLearnerEvent(l.learner, l.name))}>${nameOf(l)}</button></th>
      <td>${
        l.started
          ? html`<span class="bar" part="bar" role="img" aria-label=${m.progressOf(l.completed, l.reached, of)}
              style="--done:${pc(l.completed)};--reached:${pc(l.reached)}"></span>
            <span class="num muted" aria-hidden="true">${l.completed}/${l.reached}/${of}</span>`
          : html`<span class="muted">${m.notStartedYet}</span>`
      }</td>
      <td class="num">${l.succeeded}</td>
      <td class="num">${this.t.duration(l.activeMs)}</td>
      <td>${f.date(l.lastSeen)}</td>
      <td>${l.raised.length ? flagBadges(l, m) : nothing}</td>
    </tr>`;
  }
}
