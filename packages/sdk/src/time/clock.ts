/** Cumulative milliseconds the page has been actively used, and visible-but-idle, since it started. */
export interface Totals {
  active: number;
  idle: number;
}

/** The page-wide activity signal every activity timer reads. */
export interface Clock {
  read(): Totals;
  stop(): void;
}

const INPUTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'scroll', 'touchstart', 'input'];

/**
 * Counts time only while the page is visible, the window focused, and there was input in the last
 * `idleTimeout` ms or a media element is playing (analytics research §6.3: visible + focused + recent
 * input). Time is accrued on events and on read, never by polling, so an idle tab costs nothing.
 */
export function createClock(idleTimeout: number): Clock {
  const doc = document;
  let now = Date.now();
  let last = now;
  let lastInput = now;
  let active = 0;
  let idle = 0;
  let visible = doc.visibilityState !== 'hidden';
  let focused = doc.hasFocus();
  const playing = new Set<EventTarget>();

  const accrue = () => {
    now = Date.now();
    if (visible && focused) {
      const end = playing.size ? now : Math.min(now, lastInput + idleTimeout);
      const a = Math.max(0, end - last);
      active += a;
      idle += now - last - a;
    }
    last = now;
  };
  const on: [EventTarget, string, (e: Event) => void][] = [
    [
      doc,
      'visibilitychange',
      () => {
        visible = doc.visibilityState !== 'hidden';
        // Coming back to a tab counts as input: the learner is looking again.
        if (visible) lastInput = now;
      },
    ],
    [
      window,
      'focus',
      () => {
        focused = true;
        lastInput = now;
      },
    ],
    [
      window,
      'blur',
      () => {
        focused = false;
      },
    ],
    [doc, 'play', (e) => playing.add(e.target!)],
    [doc, 'pause', (e) => playing.delete(e.target!)],
    [doc, 'ended', (e) => playing.delete(e.target!)],
    ...INPUTS.map((t): [EventTarget, string, () => void] => [
      window,
      t,
      () => {
        lastInput = now;
      },
    ]),
  ];
  const opts = { capture: true, passive: true };
  const wrapped = on.map(([target, type, fn]) => {
    const l = (e: Event) => {
      accrue();
      fn(e);
    };
    target.addEventListener(type, l, opts);
    return () => target.removeEventListener(type, l, opts);
  });
  return {
    read() {
      accrue();
      return { active, idle };
    },
    stop: () => {
      for (const off of wrapped) off();
    },
  };
}
