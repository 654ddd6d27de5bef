import { defineElement } from '../define.js';
import { KairosCompetencyHeatmap } from '../teacher/competency-heatmap.js';

defineElement('kairos-competency-heatmap', KairosCompetencyHeatmap);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-competency-heatmap': KairosCompetencyHeatmap;
  }
}

export { KairosCompetencyHeatmap };
