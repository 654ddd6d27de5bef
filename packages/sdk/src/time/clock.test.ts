// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetPage, setFocus, setVisible } from '../../test/fakes.js';
import { type Clock, createClock } from './clock.js';
import { createTimers } from './timers.js';

let clock: Clock;
const input = () => dispatchEvent(new Event('pointerdown'));
const s = (ms: number) => ms * 1000;

beforeEach(() => {
  resetPage();
  vi.useFakeTimers();
  clock = createClock(s(60));
});
afterEach(() => {
  clock.stop();
  vi.useRealTimers();
});

describe('active time', () => {
  it('counts while visible, focused and recently used', () => {
    vi.advanceTimersByTime(s(30));
    expect(clock.read()).toEqual({ active: s(30), idle: 0 });
  });

  it('stops counting idleTimeout after the last input, and counts that as idle', () => {
    vi.advanceTimersByTime(s(50));
    input();
    vi.advanceTimersByTime(s(100)); // 60 s more active, then 40 s idle
    expect(clock.read()).toEqual({ active: s(110), idle: s(40) });
    input();
    vi.advanceTimersByTime(s(10));
    expect(clock.read()).toEqual({ active: s(120), idle: s(40) });
  });

  it('excludes time while the tab is hidden', () => {
    vi.advanceTimersByTime(s(10));
    setVisible(false);
    vi.advanceTimersByTime(s(300));
    expect(clock.read()).toEqual({ active: s(10), idle: 0 });
    setVisible(true); // coming back counts as input
    vi.advanceTimersByTime(s(5));
    expect(clock.read()).toEqual({ active: s(15), idle: 0 });
  });

  it('excludes time while the window is not focused', () => {
    setFocus(false);
    vi.advanceTimersByTime(s(20));
    setFocus(true);
    vi.advanceTimersByTime(s(5));
    expect(clock.read().active).toBe(s(5));
  });

  it('starts unfocused when the page does not have focus', () => {
    clock.stop();
    setFocus(false, false);
    clock = createClock(s(60));
    vi.advanceTimersByTime(s(20));
    expect(clock.read().active).toBe(0);
  });

  it('keeps counting without input while media plays', () => {
    const video = document.createElement('video');
    document.body.append(video);
    video.dispatchEvent(new Event('play'));
    vi.advanceTimersByTime(s(300));
    expect(clock.read()).toEqual({ active: s(300), idle: 0 });
    video.dispatchEvent(new Event('pause'));
    vi.advanceTimersByTime(s(100)); // idle timeout counts from the last input (the start)
    expect(clock.read()).toEqual({ active: s(300), idle: s(100) });
    video.remove();
  });

  it('stops listening after stop()', () => {
    clock.stop();
    setVisible(false);
    vi.advanceTimersByTime(s(10));
    // No visibility event seen: still counting as visible (stop() is for destroyed trackers).
    expect(clock.read().active).toBe(s(10));
  });
});

describe('timers per activity', () => {
  it('measures each activity from its own start on the shared clock', () => {
    const timers = createTimers(clock);
    timers.start('a');
    vi.advanceTimersByTime(s(10));
    timers.start('b');
    setVisible(false);
    vi.advanceTimersByTime(s(50));
    setVisible(true);
    vi.advanceTimersByTime(s(5));
    expect(timers.read('a')).toEqual({ active: s(15), idle: 0 });
    expect(timers.stop('b')).toEqual({ active: s(5), idle: 0 });
    expect(timers.read('b')).toBeUndefined();
    expect(timers.ids()).toEqual(['a']);
  });
});
