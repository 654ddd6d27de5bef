import { nonceAttr } from '../http/csp.js';
import { esc, page, scriptJson } from './pages.js';
import type { Placement } from './placements.js';

/** What the SDK reads from the page (`#kairos-launch`): where to send statements, as whom, in what context. */
export interface LaunchBootstrap {
  endpoint: string;
  token: string;
  actor: unknown;
  context: Record<string, unknown>;
  language: string;
}

const STRINGS = {
  en: {
    progress: 'Your progress',
    done: 'Work through this activity, then press "I\'m done".',
  },
  fr: {
    progress: 'Votre progression',
    done: "Faites cette activité, puis appuyez sur « J'ai terminé ».",
  },
};

/** The widget of a placement: a quiz, a tracked lesson, or (the dashboard item) nothing but progress. */
function widget(p: Placement, s: (typeof STRINGS)['en']): string {
  const lang = p.lang ? ` lang="${esc(p.lang)}"` : '';
  if (p.kind === 'quiz' && p.quiz) {
    // the definition goes in as a property (no attribute can carry it); correct answers are in the page,
    // since the quiz scores in the browser (docs/elements.md, "Quiz JSON")
    return `<kairos-quiz id="kairos-placed" name="${esc(p.title)}"${lang}></kairos-quiz>
<script type="application/json" id="kairos-quiz-definition">${scriptJson(p.quiz)}</script>
<script type="module"${nonceAttr()}>customElements.whenDefined('kairos-quiz').then(function(){document.getElementById('kairos-placed').definition=JSON.parse(document.getElementById('kairos-quiz-definition').textContent)})</script>`;
  }
  if (p.kind === 'dashboard') return '';
  return `<kairos-activity activity-id="${esc(p.activityIri)}" name="${esc(p.title)}" type="lesson"${lang}>
${p.lesson ?? `<p>${esc(s.done)}</p>`}</kairos-activity>`;
}

/**
 * The learner's page after a launch: the placed activity as a real widget (`<kairos-quiz>`,
 * `<kairos-activity>`), then the learner's own `<kairos-progress>`. The widgets record through the launch
 * bootstrap (`#kairos-launch`: endpoint, token, actor, course and resource link), so nothing else on the
 * page creates a tracker.
 */
export function learnerPage(bootstrap: LaunchBootstrap, p: Placement, elementsUrl: string): string {
  const s = bootstrap.language === 'fr' ? STRINGS.fr : STRINGS.en;
  return page(
    p.title,
    `<main><h1>${esc(p.title)}</h1>${p.description && p.kind !== 'quiz' ? `<p class="muted">${esc(p.description)}</p>` : ''}
${widget(p, s)}
<section aria-labelledby="kairos-progress-title"><h2 id="kairos-progress-title">${esc(s.progress)}</h2>
<kairos-progress></kairos-progress></section></main>
<script type="application/json" id="kairos-launch">${scriptJson(bootstrap)}</script>
<script type="module" src="${esc(elementsUrl)}/kairos-learner.js"></script>`,
    bootstrap.language,
  );
}
