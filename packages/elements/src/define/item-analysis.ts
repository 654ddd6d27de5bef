import { defineElement } from '../define.js';
import { KairosItemAnalysis } from '../teacher/item-analysis.js';

defineElement('kairos-item-analysis', KairosItemAnalysis);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-item-analysis': KairosItemAnalysis;
  }
}

export { KairosItemAnalysis };
