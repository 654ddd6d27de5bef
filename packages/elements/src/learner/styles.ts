import { css } from 'lit';

/** Styles the learner widgets share: blocks that wrap down to 320 px, buttons, feedback. */
export const learnerStyles = css`
  :host {
    display: block;
    line-height: 1.45;
    overflow-wrap: anywhere;
  }
  :host([hidden]) {
    display: none;
  }
  button {
    font: inherit;
    min-height: 2.5rem;
    padding: 0.4rem 1rem;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_accent);
    color: #fff;
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .panel {
    margin: 0 0 1rem;
    padding: 0.75rem 1rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    min-width: 0;
  }
  legend,
  label.prompt {
    display: block;
    padding: 0;
    font-weight: 600;
    margin-bottom: 0.5rem;
  }
  .feedback {
    margin: 0.75rem 0 0;
    padding-left: 0.6rem;
    border-left: 4px solid var(--_accent);
  }
  .feedback.wrong {
    border-left-color: var(--_danger);
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    max-width: 100%;
  }
`;
