import { describe, expect, it } from 'vitest';
import { follow, segments } from './row-window.js';

describe('segments', () => {
  it('draws every row of a short grid, without a gap', () => {
    expect(segments(3, { first: 0, size: 40 }, 2)).toEqual([{ row: 0 }, { row: 1 }, { row: 2 }]);
  });

  it('draws the window with a gap of the rows on each side', () => {
    expect(segments(10, { first: 4, size: 3 }, 5)).toEqual([
      { gap: 4 },
      { row: 4 },
      { row: 5 },
      { row: 6 },
      { gap: 3 },
    ]);
  });

  it('draws the active row too when it is outside the window (it holds the tab stop)', () => {
    expect(segments(10, { first: 4, size: 2 }, 0)).toEqual([
      { row: 0 },
      { gap: 3 },
      { row: 4 },
      { row: 5 },
      { gap: 4 },
    ]);
    expect(segments(10, { first: 0, size: 2 }, 9)).toEqual([{ row: 0 }, { row: 1 }, { gap: 7 }, { row: 9 }]);
    expect(segments(10, { first: 2, size: 2 }, 4)).toEqual([
      { gap: 2 },
      { row: 2 },
      { row: 3 },
      { row: 4 },
      { gap: 5 },
    ]);
  });

  it('has nothing to draw without rows', () => {
    expect(segments(0, { first: 0, size: 40 }, 0)).toEqual([]);
  });
});

describe('the window', () => {
  it('stays while the view is well inside it, and follows the view near an edge', () => {
    const w = { first: 100, size: 40 };
    expect(follow(300, w, 110, 16)).toBe(100);
    expect(follow(300, w, 121, 16)).toBe(100);
    // 2 rows from the window's end: centred on the view again
    expect(follow(300, w, 122, 16)).toBe(110);
    expect(follow(300, w, 101, 16)).toBe(89);
    // a jump far away (the scroll bar dragged)
    expect(follow(300, w, 280, 16)).toBe(260);
    expect(follow(300, w, 0, 16)).toBe(0);
  });

  it('stays at an end of the grid', () => {
    expect(follow(300, { first: 0, size: 40 }, 0, 16)).toBe(0);
    expect(follow(300, { first: 260, size: 40 }, 284, 16)).toBe(260);
    expect(follow(30, { first: 0, size: 40 }, 14, 16)).toBe(0);
  });
});
