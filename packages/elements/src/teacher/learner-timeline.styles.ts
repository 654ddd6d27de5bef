import { css } from 'lit';

export const timelineStyles = css`
  h3 {
    margin-top: 1rem;
  }
  .small {
    font-size: 0.8125rem;
  }
  .flags ul,
  .mastery,
  .timeline {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .flags li {
    margin-bottom: 0.3rem;
  }
  .mastery {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
    gap: 0.6rem;
  }
  .mastery > li {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.4rem 0.5rem;
  }
  .comp {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2rem 0.4rem;
    align-items: baseline;
    font-size: 0.875rem;
  }
  .spark {
    display: inline-block;
    margin-top: 0.25rem;
    border-radius: 3px;
    cursor: crosshair;
  }
  .spark-svg .line {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 1.6;
  }
  .spark-svg .threshold {
    stroke: var(--_border);
    stroke-dasharray: 3 3;
  }
  .spark-svg .dot {
    fill: var(--_accent);
  }
  .spark-svg .dot.on {
    fill: var(--_surface);
    stroke: var(--_text);
    stroke-width: 1.5;
  }
  .step {
    margin: 0.2rem 0 0;
  }
  .timeline li {
    display: grid;
    grid-template-columns: minmax(7.5rem, auto) 1fr;
    gap: 0.5rem;
    padding: 0.25rem 0;
    border-bottom: 1px solid var(--_border);
    font-size: 0.875rem;
  }
  .timeline time {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .ok {
    color: var(--kairos-success, #1a7f37);
  }
  .ko {
    color: var(--_danger);
  }
  @media (max-width: 30rem) {
    .timeline li {
      grid-template-columns: 1fr;
      gap: 0;
    }
  }
`;
