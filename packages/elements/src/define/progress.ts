import { defineElement } from '../define.js';
import { KairosProgress } from '../learner/progress.js';

defineElement('kairos-progress', KairosProgress);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-progress': KairosProgress;
  }
}
