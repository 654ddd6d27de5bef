import { readLaunch } from '@kairos/sdk';
import { css, html, LitElement, nothing, unsafeCSS } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LearnerDetail } from '../shared/api-types.js';
import { AnalyticsClient, ApiError } from '../shared/client.js';
import { Localize } from '../shared/localize.js';
import { type LoadState, renderState } from '../shared/states.js';
import { LEVEL_STYLE, tokens } from '../shared/tokens.js';
import { MESSAGES } from './messages.js';
import { learnerStyles } from './styles.js';

// one class per level: its colour token under its pattern (colour is never the only cue: a label goes beside)
const levels = unsafeCSS(
  Object.entries(LEVEL_STYLE)
    .map(([k, v]) => `.lv-${k}{background:${v.pattern === 'none' ? '' : `${v.pattern},`}var(${v.token})}`)
    .join(''),
);

/**
 * The learner's own progress in a course (`GET /api/v1/courses/{course}/learners/me`): activities
 * completed of those started, activities succeeded, active time, and the level of each competency (its
 * label, colour and pattern; a teacher's level beside the model's). Shows loading, empty and error
 * states. Reads `endpoint`, `token` and `course`, else the LTI launch page's bootstrap
 * (`#kairos-launch`: its token, its course, and the API beside its xAPI endpoint).
 *
 * @tagname kairos-progress
 * @example
 * <kairos-progress endpoint="https://kairos.example/api/v1" course="https://school.example/courses/7" token="…"></kairos-progress>
 * @csspart base - The box
 * @csspart title - "My progress"
 * @csspart summary - The figures (a description list)
 * @csspart bar - The bar of activities completed
 * @csspart competencies - The list of competencies
 * @csspart competency - One competency
 * @csspart swatch - Its level's colour and pattern
 * @csspart level - Its level's label
 * @csspart state - Loading, empty and error states
 * @cssproperty --kairos-level-none - "Not assessed"
 * @cssproperty --kairos-level-non-acquis - Level non_acquis
 * @cssproperty --kairos-level-en-cours - Level en_cours
 * @cssproperty --kairos-level-acquis - Level acquis
 * @cssproperty --kairos-level-expert - Level expert
 * @cssproperty --kairos-border - Borders
 * @cssproperty --kairos-surface - Background
 * @cssproperty --kairos-muted - Secondary text
 */
export class KairosProgress extends LitElement {
  static override styles = [
    tokens,
    learnerStyles,
    css`
      ${levels}
      h2 {
        font-size: 1.15rem;
        margin: 0 0 0.75rem;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
        gap: 0.75rem;
        margin: 0 0 0.75rem;
      }
      dd {
        margin: 0;
        font-size: 1.25rem;
        font-weight: 600;
      }
      progress {
        width: 100%;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0 0;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.5rem;
        padding: 0.4rem 0;
        border-top: 1px solid var(--_border);
      }
      .swatch {
        width: 1.25rem;
        height: 1.25rem;
        border: 1px solid var(--_text);
        border-radius: 0.2rem;
        flex: none;
      }
      .name {
        flex: 1 1 10rem;
      }
    `,
  ];

  /** The API base, `https://kairos.example/api/v1` (an xAPI endpoint `…/xapi` also works). */
  @property() endpoint = '';
  /** A learner token (a launch's, or minted by the site with `POST /api/v1/tokens`). */
  @property() token = '';
  /** The course: its IRI or LTI context id. */
  @property() course = '';
  @state() private data: LoadState<LearnerDetail | null> = { state: 'idle' };
  private readonly t = new Localize(this, MESSAGES);

  override connectedCallback(): void {
    super.connectedCallback();
    this.refresh();
  }

  /** Loads the progress again (after an activity, say: the analytics follow within seconds). */
  async refresh(): Promise<void> {
    const launch = readLaunch();
    const c = launch.context?.course;
    const course = this.course || (typeof c === 'string' ? c : c?.id);
    const endpoint = (this.endpoint || launch.endpoint || '').replace(/\/xapi\/?$/, '/api/v1');
    this.data = { state: 'loading' };
    try {
      if (!endpoint || !course) throw new Error('set endpoint and course (or open it from a launch)');
      const api = new AnalyticsClient({ endpoint, token: this.token || launch.token });
      const d = await api.get<LearnerDetail>(`/courses/${encodeURIComponent(course)}/learners/me`);
      this.data = { state: 'ready', data: d };
    } catch (e) {
      // no statement of this learner in the course yet
      if (e instanceof ApiError && e.code === 'learner_not_found') this.data = { state: 'ready', data: null };
      else this.data = { state: 'error', message: (e as Error).message };
    }
  }

  private view(d: LearnerDetail) {
    const m = this.t.m;
    const l = d.learner;
    return html`<dl part="summary">
        <div>
          <dt id="done">${m.activities}</dt>
          <dd>${l.completed} <span class="muted">(${m.ofReached(l.completed, l.reached)})</span></dd>
        </div>
        <div>
          <dt>${m.succeeded}</dt>
          <dd>${l.succeeded}</dd>
        </div>
        <div>
          <dt>${m.time}</dt>
          <dd>${this.t.duration(l.activeMs)}</dd>
        </div>
      </dl>
      <progress part="bar" max=${l.reached || 1} .value=${l.completed} aria-labelledby="done"></progress>
      ${
        d.mastery.length
          ? html`<h3>${m.competencies}</h3>
            <ul part="competencies">
              ${d.mastery.map(
                (c) => html`<li part="competency">
                  <span part="swatch" class="swatch lv-${c.level ?? 'none'}" aria-hidden="true"></span>
                  <span class="name">${c.title ?? c.competency}</span>
                  <strong part="level">${c.level ? m[c.level] : m.notAssessed}</strong>
                  <span class="muted">(${m.evidence(c.evidence)}${c.manual ? html`; ${m.teacher(m[c.manual.level])}` : ''})</span>
                </li>`,
              )}
            </ul>`
          : nothing
      }`;
  }

  protected override render() {
    const m = this.t.m;
    return html`<section part="base" class="panel" aria-labelledby="title">
      <h2 part="title" id="title">${m.progress}</h2>
      ${renderState(
        this.data,
        { loading: m.loading, error: m.error, retry: m.again, empty: m.noProgress },
        (d) => this.view(d!),
        (d) => !d || d.learner.reached === 0,
        () => this.refresh(),
      )}
    </section>`;
  }
}
