import { css, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { ItemAnalysis } from '../shared/api-types.js';
import type { AnalyticsClient } from '../shared/client.js';
import { Localize } from '../shared/localize.js';
import { renderState } from '../shared/states.js';
import { tokens } from '../shared/tokens.js';
import { TeacherElement } from './base.js';
import { bars, hbar } from './charts.js';
import { formats } from './format.js';
import { common, titleOf } from './messages.js';
import { teacherStyles } from './styles.js';

const en = {
  ...common.en,
  title: 'Item analysis',
  learnersN: (n: number) => `${n} learner${n === 1 ? '' : 's'} answered (first attempts)`,
  facility: 'Facility',
  facilityHelp: 'mean first-attempt credit',
  discrimination: 'Discrimination',
  discriminationHelp: 'item-rest correlation: do the learners who do well elsewhere do well here?',
  disc: (r: number | null): string =>
    r === null
      ? 'not enough answers'
      : r < 0
        ? 'negative: stronger learners fail it more; check the key'
        : r < 0.2
          ? 'weak'
          : r < 0.4
            ? 'fair'
            : 'good',
  medianTime: 'Median active time',
  medianFirst: 'Median time to a first answer',
  scores: 'First-attempt credit, in tenths',
  scoresTable: (range: string, n: number) => `${range}: ${n}`,
  answers: 'Answers, per choice',
  choice: 'Choice',
  count: 'Learners',
  share: 'Share',
  correct: 'correct',
  common: 'common wrong answer',
  noAnswers: 'No answer recorded.',
};
const fr: typeof en = {
  ...common.fr,
  title: 'Analyse de la question',
  learnersN: (n) => `${n} élève${n > 1 ? 's ont' : ' a'} répondu (premiers essais)`,
  facility: 'Facilité',
  facilityHelp: 'crédit moyen au premier essai',
  discrimination: 'Discrimination',
  discriminationHelp: 'corrélation item-reste : les élèves qui réussissent ailleurs réussissent-ils ici ?',
  disc: (r) =>
    r === null
      ? 'pas assez de réponses'
      : r < 0
        ? 'négative : les meilleurs élèves y échouent plus ; vérifiez le corrigé'
        : r < 0.2
          ? 'faible'
          : r < 0.4
            ? 'moyenne'
            : 'bonne',
  medianTime: 'Temps actif médian',
  medianFirst: 'Temps médian avant une première réponse',
  scores: 'Crédit au premier essai, par dixièmes',
  scoresTable: (range, n) => `${range} : ${n}`,
  answers: 'Réponses, par choix',
  choice: 'Choix',
  count: 'Élèves',
  share: 'Part',
  correct: 'juste',
  common: 'erreur fréquente',
  noAnswers: 'Aucune réponse enregistrée.',
};

/**
 * A question's item analysis (`GET …/activities/{activity}`): the distribution of first-attempt credit in
 * tenths, facility, discrimination (the corrected item-rest correlation, in words), and the answers per
 * choice with the correct ones marked and the common wrong ones pointed out — how learners go wrong.
 * Light SVG drawn with Lit, each chart with its figures in text beside it.
 *
 * @summary Item analysis of an activity.
 * @fires kairos-load - The data arrived and is rendered.
 * @slot heading - Replaces the heading's text (the activity's title).
 * @csspart heading - The heading.
 * @csspart figures - Facility, discrimination and times (a `<dl>`).
 * @csspart scores - The score distribution's chart.
 * @csspart answers - The answers' table.
 * @csspart state - Loading, empty and error messages.
 * @cssproperty --kairos-accent - Bars.
 * @cssproperty --kairos-danger - Common wrong answers.
 * @cssproperty --kairos-success - Correct answers (default #1a7f37).
 *
 * @tagname kairos-item-analysis
 */
export class KairosItemAnalysis extends TeacherElement<ItemAnalysis> {
  static override styles = [
    tokens,
    teacherStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
        gap: 0.5rem;
        margin: 0 0 0.75rem;
      }
      dt {
        font-size: 0.8125rem;
        color: var(--_muted);
      }
      dd {
        margin: 0;
      }
      .big {
        font-size: 1.25rem;
        font-weight: 600;
      }
      .bars {
        width: 100%;
        max-width: 26rem;
        height: auto;
        display: block;
      }
      .bar,
      .fill {
        fill: var(--_accent);
      }
      .bar.on {
        fill: var(--_danger);
      }
      .fill.on {
        fill: var(--_danger);
      }
      .track {
        fill: color-mix(in srgb, var(--_border) 50%, var(--_surface));
      }
      .axis {
        stroke: var(--_border);
      }
      text {
        font-size: 10px;
        text-anchor: middle;
        fill: var(--_muted);
      }
      .value {
        fill: var(--_text);
      }
      .hbar {
        width: 8rem;
        height: 0.7rem;
        display: inline-block;
        vertical-align: middle;
      }
      .ok {
        color: var(--kairos-success, #1a7f37);
      }
      .ko {
        color: var(--_danger);
        font-weight: 600;
      }
      figure {
        margin: 0 0 0.75rem;
      }
    `,
  ];
  protected static override dataKeys = ['activity'];

  /** The activity IRI. */
  @property() activity = '';

  private readonly t = new Localize(this, { en, fr });

  protected override canFetch(): boolean {
    return this.course !== '' && this.activity !== '';
  }

  protected fetchData(api: AnalyticsClient): Promise<ItemAnalysis> {
    return api.get<ItemAnalysis>(this.path(`/activities/${encodeURIComponent(this.activity)}`));
  }

  override render(): TemplateResult {
    const m = this.t.m;
    const d = this.data;
    return html`<section class="panel" aria-labelledby="h">
      <h2 id="h" part="heading"><slot name="heading">${d ? titleOf(d) : m.title}</slot></h2>
      ${renderState(
        this.load,
        m,
        (x) => this.body(x),
        () => false,
        this.retry,
      )}
    </section>`;
  }

  private body(d: ItemAnalysis): TemplateResult {
    const m = this.t.m;
    const f = formats(this.t.lang);
    const tenths = d.scores.map((_, i) => `${i * 10}–${i * 10 + 10} %`);
    // shares of the learners who answered (a multiple-answer item counts each choice of an answer)
    const total = d.n;
    const max = Math.max(0, ...d.answers.map((a) => a.count));
    // a wrong answer is "common" when it is the most chosen wrong one and at least a fifth of the answers
    const wrong = d.answers.filter((a) => a.correct === false).sort((a, b) => b.count - a.count)[0];
    const common = wrong && total > 0 && wrong.count / total >= 0.2 ? wrong.response : undefined;
    return html`<p class="muted">${m.learnersN(d.n)}${d.interactionType ? ` · ${d.interactionType}` : ''}</p>
      <dl part="figures">
        <div><dt>${m.facility} <span class="visually-hidden">(${m.facilityHelp})</span></dt>
          <dd><span class="big">${f.pct(d.facility)}</span> <span class="muted">${m.facilityHelp}</span></dd></div>
        <div><dt>${m.discrimination}</dt>
          <dd><span class="big">${d.discrimination === null ? '—' : f.num(d.discrimination, 2)}</span>
            ${m.disc(d.discrimination)}<br /><span class="muted">${m.discriminationHelp}</span></dd></div>
        ${d.medianActiveMs === undefined ? nothing : html`<div><dt>${m.medianTime}</dt><dd>${this.t.duration(d.medianActiveMs)}</dd></div>`}
        ${d.medianFirstAnswerMs === undefined ? nothing : html`<div><dt>${m.medianFirst}</dt><dd>${this.t.duration(d.medianFirstAnswerMs)}</dd></div>`}
      </dl>
      <figure part="scores">
        <figcaption><h3>${m.scores}</h3></figcaption>
        ${bars(
          d.scores,
          d.scores.map((_, i) => String(i * 10)),
        )}
        <ul class="visually-hidden">${d.scores.map((n, i) => html`<li>${m.scoresTable(tenths[i]!, n)}</li>`)}</ul>
      </figure>
      <h3>${m.answers}</h3>
      ${
        d.answers.length === 0
          ? html`<p class="muted">${m.noAnswers}</p>`
          : html`<div class="scroll" role="region" aria-label=${m.answers} tabindex="0"><table part="answers">
            <thead><tr><th scope="col">${m.choice}</th><th scope="col" class="num">${m.count}</th>
              <th scope="col" class="num">${m.share}</th><th scope="col"><span class="visually-hidden">${m.share}</span></th></tr></thead>
            <tbody>${d.answers.map((a) => {
              const isCommon = a.response === common;
              return html`<tr>
                <th scope="row">${a.label ?? a.response}
                  ${a.correct ? html`<span class="ok">✓ ${m.correct}</span>` : nothing}
                  ${isCommon ? html`<span class="ko">⚠ ${m.common}</span>` : nothing}</th>
                <td class="num">${a.count}</td>
                <td class="num">${f.pct(total ? a.count / total : null)}</td>
                <td>${hbar(a.count, max, isCommon)}</td>
              </tr>`;
            })}</tbody>
          </table></div>`
      }`;
  }
}
