import { css } from 'lit';

export const stuckStyles = css`
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    align-items: center;
    margin-bottom: 0.5rem;
  }
  .filters input[type='search'] {
    font: inherit;
    margin-inline-start: 0.35rem;
    padding: 0.2rem 0.4rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    max-width: 14rem;
  }
  .check {
    display: inline-flex;
    gap: 0.35rem;
    align-items: center;
  }
  .sort {
    background: none;
    border: 0;
    padding: 0;
    font-weight: 600;
    cursor: pointer;
    white-space: nowrap;
  }
  .arrow {
    color: var(--_muted);
    margin-inline-start: 0.2rem;
    font-size: 0.75em;
  }
  tr.flagged > th,
  tr.flagged > td:first-child {
    box-shadow: inset 3px 0 0 var(--_danger);
  }
  tbody > tr > th {
    font-weight: 500;
    white-space: normal;
    min-width: 9rem;
  }
  .small {
    font-size: 0.8125rem;
  }
  .learner {
    margin-inline-end: 0.35rem;
  }
  .score {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  tr.details > td {
    background: color-mix(in srgb, var(--_accent) 5%, var(--_surface));
  }
  tr.details p {
    margin: 0 0 0.5rem;
    max-width: 60rem;
  }
  .inputs {
    width: auto;
    margin-bottom: 0.5rem;
  }
  .inputs th,
  .inputs td {
    padding: 0.2rem 0.5rem;
  }
  .concerned {
    margin: 0;
    padding-inline-start: 1.2rem;
    columns: 16rem auto;
  }
`;
