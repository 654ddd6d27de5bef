import { css } from 'lit';

export const dashboardStyles = css`
  :host {
    --_gap: var(--kairos-gap, 1rem);
    display: grid;
    gap: var(--_gap);
  }
  h1 {
    font-size: 1.375rem;
    margin: 0;
    line-height: 1.2;
  }
  .small {
    font-size: 0.8125rem;
  }
  .title {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.5rem;
    align-items: start;
  }
  .title p {
    margin: 0.2rem 0 0;
  }
  .counts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
    gap: 0.5rem;
    margin: 0.75rem 0;
  }
  .counts div {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.3rem 0.5rem;
  }
  .counts .flag {
    border-color: var(--_danger);
  }
  dt {
    font-size: 0.8125rem;
    color: var(--_muted);
  }
  dd {
    margin: 0;
    font-size: 1.25rem;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.5rem 1rem;
    align-items: end;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    border: 0;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
  .filters label {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 0.3rem;
    align-items: center;
  }
  select,
  input {
    font: inherit;
    padding: 0.15rem 0.3rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: inherit;
  }
  .exports {
    display: flex;
    flex-wrap: wrap;
    gap: 0.35rem;
    align-items: center;
  }
  .error {
    color: var(--_danger);
    flex-basis: 100%;
    margin: 0;
  }
  .live h2 {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    flex-wrap: wrap;
  }
  .live .badge.on {
    color: var(--kairos-success, #1a7f37);
  }
  .live ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .live li {
    display: flex;
    gap: 0.5rem;
    padding: 0.2rem 0;
    align-items: baseline;
  }
  .live li.stuck {
    font-weight: 600;
  }
  .live time {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .widgets {
    display: grid;
    gap: var(--_gap);
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 34rem), 1fr));
    min-width: 0;
  }
  .wide {
    grid-column: 1 / -1;
  }
  .detail {
    position: relative;
    outline-offset: 4px;
  }
  .close {
    position: absolute;
    top: 0.6rem;
    inset-inline-end: 0.6rem;
    z-index: 1;
  }
`;
