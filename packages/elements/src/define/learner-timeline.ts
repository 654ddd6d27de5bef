import { defineElement } from '../define.js';
import { KairosLearnerTimeline } from '../teacher/learner-timeline.js';

defineElement('kairos-learner-timeline', KairosLearnerTimeline);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-learner-timeline': KairosLearnerTimeline;
  }
}

export { KairosLearnerTimeline };
