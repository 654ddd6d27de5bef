import { defineElement } from '../define.js';
import { KairosClassProgress } from '../teacher/class-progress.js';

defineElement('kairos-class-progress', KairosClassProgress);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-class-progress': KairosClassProgress;
  }
}

export { KairosClassProgress };
