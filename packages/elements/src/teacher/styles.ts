import { css, unsafeCSS } from 'lit';
import { LEVEL_STYLE } from '../shared/tokens.js';

/** One class per level (`lv-none`, `lv-acquis`…): its colour token under its pattern, never colour alone. */
export const levelStyles = unsafeCSS(
  Object.entries(LEVEL_STYLE)
    .map(
      ([level, s]) =>
        `.lv-${level}{background:${s.pattern === 'none' ? '' : `${s.pattern},`}var(${s.token})}`,
    )
    .join(''),
);

/** The layout every teacher widget shares: panel, heading, tables, buttons, badges, tooltips. */
export const teacherStyles = css`
  :host {
    display: block;
    font-size: var(--kairos-font-size, 0.9375rem);
    line-height: 1.4;
  }
  :host([hidden]) {
    display: none;
  }
  .panel {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.75rem;
    min-width: 0;
  }
  h2,
  h3 {
    margin: 0 0 0.5rem;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.125rem;
  }
  h3 {
    font-size: 1rem;
  }
  button {
    font: inherit;
    color: inherit;
  }
  .link {
    background: none;
    border: 0;
    padding: 0;
    color: var(--_accent);
    cursor: pointer;
    text-align: start;
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  .btn {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.25rem 0.6rem;
    cursor: pointer;
  }
  .btn:hover {
    border-color: var(--_accent);
  }
  .scroll {
    /* relative: visually hidden text (absolutely positioned) stays in the box instead of widening the page */
    position: relative;
    overflow: auto;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    padding: 0.35rem 0.5rem;
    text-align: start;
    vertical-align: top;
    border-bottom: 1px solid var(--_border);
  }
  th {
    font-weight: 600;
    white-space: nowrap;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .badge {
    display: inline-block;
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 0.45rem;
    font-size: 0.8125rem;
    white-space: nowrap;
    margin: 0 0.25rem 0.15rem 0;
  }
  .badge.flag {
    color: var(--_danger);
    font-weight: 600;
  }
  .tip {
    position: fixed;
    margin: 0;
    inset: auto;
    z-index: 10;
    max-width: min(28rem, calc(100vw - 1rem));
    background: var(--kairos-tooltip-bg, #1d2330);
    color: var(--kairos-tooltip-text, #ffffff);
    border: 0;
    border-radius: var(--_radius);
    padding: 0.5rem 0.65rem;
    font-size: 0.8125rem;
    line-height: 1.4;
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.25);
    pointer-events: none;
  }
  .swatch {
    display: inline-block;
    width: 0.9em;
    height: 0.9em;
    border: 1px solid rgb(0 0 0 / 0.35);
    border-radius: 2px;
    vertical-align: -0.1em;
    flex: none;
  }
  ${levelStyles}
`;

/**
 * Places a tooltip (`position: fixed`) beside `anchor`, below it or above when there is no room, inside the
 * viewport; in the top layer where the browser has popovers (so a scrolling table never clips it).
 */
export function placeTip(tip: HTMLElement | null, anchor: Element | null): void {
  if (!tip || !anchor) return;
  if (canPop(tip) && !isOpen(tip)) tip.showPopover();
  const a = anchor.getBoundingClientRect();
  const t = tip.getBoundingClientRect();
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  const below = a.bottom + 6 + t.height <= vh || a.top - 6 - t.height < 0;
  tip.style.top = `${Math.max(4, below ? a.bottom + 6 : a.top - 6 - t.height)}px`;
  tip.style.left = `${Math.max(4, Math.min(a.left, vw - t.width - 4))}px`;
}

const canPop = (el: HTMLElement) => el.hasAttribute('popover') && 'showPopover' in el;

/** Hides a tooltip {@link placeTip} showed. */
export function hideTip(tip: HTMLElement | null): void {
  if (tip && isOpen(tip)) tip.hidePopover();
}

/** Whether a popover is showing. */
export const isOpen = (el: HTMLElement): boolean => canPop(el) && el.matches(':popover-open');
