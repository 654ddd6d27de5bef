import { css } from 'lit';

/**
 * The design tokens every Kairos element reads, with their defaults. A page themes the elements by setting
 * the `--kairos-*` custom properties (on `:root`, or on an element); parts (`::part(…)`) style the rest.
 * Level colours follow the Okabe–Ito palette, safe for colour-blind readers, and every level also has a
 * label and a pattern, so colour is never the only cue.
 *
 * @cssproperty --kairos-font - Font family
 * @cssproperty --kairos-text - Text colour
 * @cssproperty --kairos-muted - Secondary text colour
 * @cssproperty --kairos-surface - Background of panels
 * @cssproperty --kairos-border - Borders and rules
 * @cssproperty --kairos-accent - Links, focus and primary actions
 * @cssproperty --kairos-danger - Flags and errors
 * @cssproperty --kairos-radius - Corner radius
 * @cssproperty --kairos-level-none - "Not assessed"
 * @cssproperty --kairos-level-non-acquis - Level non_acquis
 * @cssproperty --kairos-level-en-cours - Level en_cours
 * @cssproperty --kairos-level-acquis - Level acquis
 * @cssproperty --kairos-level-expert - Level expert
 */
export const tokens = css`
  :host {
    --_font: var(--kairos-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_text: var(--kairos-text, #1d2330);
    --_muted: var(--kairos-muted, #565f70);
    --_surface: var(--kairos-surface, #ffffff);
    --_border: var(--kairos-border, #d5d9e2);
    --_accent: var(--kairos-accent, #1d4ed8);
    --_danger: var(--kairos-danger, #b3261e);
    --_radius: var(--kairos-radius, 0.4rem);
    --_level-none: var(--kairos-level-none, #e6e8ee);
    --_level-non-acquis: var(--kairos-level-non-acquis, #e69f00);
    --_level-en-cours: var(--kairos-level-en-cours, #f0e442);
    --_level-acquis: var(--kairos-level-acquis, #56b4e9);
    --_level-expert: var(--kairos-level-expert, #009e73);
    font-family: var(--_font);
    color: var(--_text);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .muted {
    color: var(--_muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** The mastery levels with their token and pattern (a CSS background besides the colour). */
export const LEVEL_STYLE = {
  none: { token: '--_level-none', pattern: 'none' },
  non_acquis: {
    token: '--_level-non-acquis',
    pattern: 'repeating-linear-gradient(45deg, rgb(0 0 0 / 0.18) 0 2px, transparent 2px 6px)',
  },
  en_cours: {
    token: '--_level-en-cours',
    pattern: 'radial-gradient(rgb(0 0 0 / 0.22) 1px, transparent 1.5px) 0 0 / 6px 6px',
  },
  acquis: { token: '--_level-acquis', pattern: 'none' },
  expert: {
    token: '--_level-expert',
    pattern: 'repeating-linear-gradient(0deg, rgb(255 255 255 / 0.35) 0 2px, transparent 2px 5px)',
  },
} as const;
