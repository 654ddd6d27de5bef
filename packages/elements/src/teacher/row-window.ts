/**
 * Which rows of a long grid to draw: a window of `size` rows around the view, and the active row wherever
 * it is (it holds the grid's tab stop, so the focus never lands on a row that was not drawn). A 300-learner
 * heat map draws about 40 rows of 20 cells instead of 6,000 cells (issue 10: render under 400 ms).
 */
export interface RowWindow {
  /** The window's first row. */
  first: number;
  /** How many rows the window holds. */
  size: number;
}

/** A row to draw, or a gap of undrawn rows (drawn as one spacer of their height). */
export type Segment = { row: number } | { gap: number };

/** The rows of `count` to draw, in order, with the gaps between them. */
export function segments(count: number, w: RowWindow, active: number): Segment[] {
  const end = Math.min(count, w.first + w.size);
  const rows: number[] = [];
  if (active >= 0 && active < w.first) rows.push(active);
  for (let r = w.first; r < end; r++) rows.push(r);
  if (active >= end && active < count) rows.push(active);
  const out: Segment[] = [];
  let next = 0;
  for (const row of rows) {
    if (row > next) out.push({ gap: row - next });
    out.push({ row });
    next = row + 1;
  }
  if (count > next) out.push({ gap: count - next });
  return out;
}

/**
 * The window's first row once rows `top` to `top + visible` are in view: the same while they stay `edge`
 * rows inside it (scrolling a few rows draws nothing), else the window centred on them.
 */
export function follow(count: number, w: RowWindow, top: number, visible: number, edge = 3): number {
  const lowOk = top >= w.first + edge || w.first === 0;
  const highOk = top + visible <= w.first + w.size - edge || w.first + w.size >= count;
  if (lowOk && highOk) return w.first;
  return clamp(top - Math.floor((w.size - visible) / 2), count, w.size);
}

const clamp = (first: number, count: number, size: number) => Math.max(0, Math.min(first, count - size));
