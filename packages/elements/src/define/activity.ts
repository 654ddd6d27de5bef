import { defineElement } from '../define.js';
import { KairosActivity } from '../learner/activity.js';

defineElement('kairos-activity', KairosActivity);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-activity': KairosActivity;
  }
}
