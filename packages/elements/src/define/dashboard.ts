import { defineElement } from '../define.js';
import { KairosDashboard } from '../teacher/dashboard.js';
// the widgets the dashboard composes
import './stuck-points.js';
import './competency-heatmap.js';
import './class-progress.js';
import './learner-timeline.js';
import './item-analysis.js';

defineElement('kairos-dashboard', KairosDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-dashboard': KairosDashboard;
  }
}

export { KairosDashboard };
