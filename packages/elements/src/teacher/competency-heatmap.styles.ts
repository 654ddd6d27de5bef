import { css } from 'lit';

export const heatmapStyles = css`
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    list-style: none;
    margin: 0 0 0.35rem;
    padding: 0;
    font-size: 0.8125rem;
  }
  .legend li {
    display: inline-flex;
    gap: 0.3rem;
    align-items: center;
  }
  .short {
    font-weight: 600;
  }
  .small {
    font-size: 0.8125rem;
    margin: 0 0 0.35rem;
  }
  .box {
    position: relative;
    overflow: auto;
    max-height: var(--kairos-heatmap-height, 28rem);
    max-width: 100%;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    scroll-padding: 2.2rem 0 0 8rem;
  }
  table {
    --_row: 1.6rem;
    width: auto;
    font-size: 0.8125rem;
  }
  tbody tr {
    height: var(--_row);
  }
  tr.gap {
    height: calc(var(--k) * var(--_row));
  }
  tr.gap td {
    padding: 0;
    border: 0;
  }
  tr.sizer {
    visibility: collapse;
  }
  th,
  td {
    padding: 0.2rem 0.35rem;
    border: 1px solid var(--_border);
    white-space: nowrap;
  }
  thead th {
    position: sticky;
    top: 0;
    z-index: 2;
    background: var(--_surface);
    text-align: center;
  }
  tbody th,
  .sizer th,
  .corner {
    position: sticky;
    left: 0;
    z-index: 1;
    background: var(--_surface);
    font-weight: 500;
    max-width: 10rem;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .corner {
    z-index: 3;
    text-align: start;
  }
  td {
    cursor: pointer;
    min-width: 3.1rem;
  }
  td .swatch {
    margin-inline-end: 0.25rem;
  }
  td:hover {
    background: color-mix(in srgb, var(--_accent) 8%, var(--_surface));
  }
  td:focus-visible {
    outline-offset: -2px;
  }
  .manual {
    margin-inline-start: 0.2rem;
    font-weight: 600;
    color: var(--_accent);
  }
  .status {
    margin: 0.35rem 0 0;
  }
  .error {
    color: var(--_danger);
  }
  .menu {
    position: fixed;
    margin: 0;
    inset: auto;
    max-width: min(22rem, calc(100vw - 1rem));
    background: var(--_surface);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.6rem;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.2);
  }
  .levels {
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 0.3rem;
    margin-bottom: 0.5rem;
  }
  .levels .btn {
    text-align: start;
  }
  .levels .btn[aria-pressed='true'] {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
    font-weight: 600;
  }
  .actions {
    display: flex;
    justify-content: space-between;
    gap: 0.5rem;
    align-items: center;
  }
`;
