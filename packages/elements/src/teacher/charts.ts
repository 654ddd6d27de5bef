import { nothing, type SVGTemplateResult, svg } from 'lit';

/** A P(mastered) trajectory: the prior, then P after each step. */
export interface Trajectory {
  start: number;
  points: number[];
}

const W = 160;
const H = 44;
const PAD = 3;

/**
 * A small line of P over the BKT steps (P before the first step, then P after each), with the level
 * thresholds (0.40, 0.80) dashed and the selected step marked.
 */
export function sparkline(t: Trajectory, selected: number | undefined): SVGTemplateResult {
  const all = [t.start, ...t.points];
  const x = (i: number) => PAD + (i / Math.max(1, all.length - 1)) * (W - 2 * PAD);
  const y = (p: number) => PAD + (1 - p) * (H - 2 * PAD);
  const d = all.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(p).toFixed(1)}`).join('');
  return svg`<svg viewBox="0 0 ${W} ${H}" width=${W} height=${H} aria-hidden="true" class="spark-svg">
    <line x1="0" x2=${W} y1=${y(0.8)} y2=${y(0.8)} class="threshold" />
    <line x1="0" x2=${W} y1=${y(0.4)} y2=${y(0.4)} class="threshold" />
    <path d=${d} class="line" />
    ${all.map((p, i) => svg`<circle cx=${x(i)} cy=${y(p)} r=${i === selected ? 4 : 1.8} class=${i === selected ? 'dot on' : 'dot'} />`)}
  </svg>`;
}

/** The step of a sparkline nearest to a pointer's x (0 is the prior). */
export function stepAt(e: MouseEvent, count: number): number {
  const box = (e.currentTarget as Element).getBoundingClientRect();
  const f = (e.clientX - box.left) / Math.max(1, box.width);
  return Math.max(0, Math.min(count, Math.round(f * count)));
}

/**
 * Vertical bars (a histogram): `values` in order, `labels` under each, the highest scaled to the height;
 * `mark` draws a bar with the highlighted class.
 */
export function bars(
  values: number[],
  labels: string[],
  mark: (i: number) => boolean = () => false,
): SVGTemplateResult {
  const w = 28;
  const gap = 6;
  const h = 110;
  const max = Math.max(1, ...values);
  const width = values.length * (w + gap);
  return svg`<svg viewBox="0 0 ${width} ${h + 34}" class="bars" aria-hidden="true" preserveAspectRatio="xMinYMin meet">
    <line x1="0" x2=${width} y1=${h} y2=${h} class="axis" />
    ${values.map((v, i) => {
      const bh = (v / max) * (h - 14);
      const x = i * (w + gap) + gap / 2;
      return svg`<rect x=${x} y=${h - bh} width=${w} height=${bh} class=${mark(i) ? 'bar on' : 'bar'} />
        ${v > 0 ? svg`<text x=${x + w / 2} y=${h - bh - 3} class="value">${v}</text>` : nothing}
        <text x=${x + w / 2} y=${h + 13} class="label">${labels[i]}</text>`;
    })}
  </svg>`;
}

/** One horizontal bar of a share, `value` of `max`. */
export function hbar(value: number, max: number, on: boolean): SVGTemplateResult {
  const f = max > 0 ? value / max : 0;
  return svg`<svg viewBox="0 0 100 10" preserveAspectRatio="none" class="hbar" aria-hidden="true">
    <rect x="0" y="0" width="100" height="10" class="track" />
    <rect x="0" y="0" width=${(f * 100).toFixed(1)} height="10" class=${on ? 'fill on' : 'fill'} />
  </svg>`;
}
