import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The languages Kairos ships. */
export const LANGUAGES = ['en', 'fr'] as const;
/** One shipped language. */
export type Language = (typeof LANGUAGES)[number];

/** Messages of one element: each key a string, or a function of parameters. */
export type Messages = Record<string, string | ((...args: never[]) => string)>;

/**
 * Picks the language of an element: its own `lang`, else the nearest ancestor's (crossing shadow roots),
 * else the document's, else the browser's; anything but French reads English.
 */
export function languageOf(el: Element): Language {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.getAttribute('lang')) return pick(node.getAttribute('lang')!);
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return pick(globalThis.navigator?.language ?? 'en');
}

const pick = (tag: string): Language => (tag.toLowerCase().startsWith('fr') ? 'fr' : 'en');

/**
 * Translations for a Lit element: `this.t = new Localize(this, { en, fr })`, then `this.t.m.title` or
 * `this.t.m.learners(3)` in `render()`; numbers, percents and dates through `Intl` in the element's language.
 * The element re-renders when its `lang` (or the document's) changes.
 *
 * @example
 * private readonly t = new Localize(this, { en: { title: 'Stuck points' }, fr: { title: 'Points de blocage' } });
 */
export class Localize<M extends Messages> implements ReactiveController {
  private observer?: MutationObserver;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly messages: Record<Language, M>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // <html lang> or the element's own lang may change after load (an LMS switching language)
    this.observer = new MutationObserver(() => this.host.requestUpdate());
    this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
    this.observer.observe(this.host, { attributes: true, attributeFilter: ['lang'] });
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
  }

  /** The element's language. */
  get lang(): Language {
    return languageOf(this.host);
  }

  /** The messages in the element's language. */
  get m(): M {
    return this.messages[this.lang];
  }

  /** A number in the element's language. */
  number(n: number, digits = 0): string {
    return new Intl.NumberFormat(this.lang, { maximumFractionDigits: digits }).format(n);
  }

  /** A share in [0, 1] as a percent. */
  percent(share: number | null | undefined): string {
    if (share === null || share === undefined || Number.isNaN(share)) return '—';
    return new Intl.NumberFormat(this.lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
  }

  /** An instant, short. */
  date(iso: string | undefined): string {
    if (!iso) return '—';
    return new Intl.DateTimeFormat(this.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  }

  /** A duration in milliseconds as `1 h 05 min`, `3 min 20 s` or `12 s`. */
  duration(ms: number | undefined): string {
    if (ms === undefined || !Number.isFinite(ms)) return '—';
    const s = Math.round(ms / 1000);
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
    return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
  }
}
