import { defineElement } from '../define.js';
import { KairosStuckPoints } from '../teacher/stuck-points.js';

defineElement('kairos-stuck-points', KairosStuckPoints);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-stuck-points': KairosStuckPoints;
  }
}

export { KairosStuckPoints };
