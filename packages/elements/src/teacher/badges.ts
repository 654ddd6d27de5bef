import { html, type TemplateResult } from 'lit';
import type { LearnerSummary } from '../shared/api-types.js';

/** A learner's flags as labelled badges (text and a glyph, never colour alone). */
export function flagBadges(l: LearnerSummary, m: { flags: (k: string) => string }): TemplateResult[] {
  return l.raised.map((k) => {
    const v = l.flags[k as keyof LearnerSummary['flags']];
    return html`<span class="badge flag" part="badge"><span aria-hidden="true">⚠ </span>${m.flags(k)}${
      typeof v === 'number' && v > 0 ? ` (${v})` : ''
    }</span>`;
  });
}
