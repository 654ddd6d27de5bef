import { ActivityTypes, type Agent, createTracker, type Tracker } from '@kairos/sdk';
import { fromLaunch } from '@kairos/sdk/launch';

/** An element that records statements: its own `tracker`, else one it finds. */
export interface TrackedElement extends HTMLElement {
  tracker?: Tracker | null;
}

// One tracker per page for each configuration: several widgets on a page share its queue and session.
const page = new Map<string, Tracker>();

const parentOf = (n: Node): Node | null => n.parentNode ?? (n instanceof ShadowRoot ? n.host : null);

/**
 * The tracker an element records with: its `tracker` property, else the nearest ancestor's (crossing
 * shadow roots), else one made from the LTI launch bootstrap (`#kairos-launch`), else one configured by
 * its `endpoint`, `token`, `actor` (JSON) and `course` (IRI) attributes; `undefined` when there is none (the widget still
 * works, and records nothing). A tracker made here starts the session (`initialized`) and ends it when
 * the page is hidden for good (`terminated` on `pagehide`).
 */
export function findTracker(el: TrackedElement): Tracker | undefined {
  if (el.tracker) return el.tracker;
  for (let n = parentOf(el); n; n = parentOf(n)) {
    const t = (n as TrackedElement).tracker;
    if (t && typeof t.answer === 'function') return t;
  }
  const launch = !!document.getElementById('kairos-launch');
  const endpoint = el.getAttribute('endpoint');
  if (!launch && !endpoint) return undefined;
  const attr = (name: string) => el.getAttribute(name) ?? undefined;
  const course = attr('course');
  const key = launch ? '#launch' : [endpoint, attr('token'), attr('actor'), course].join(' ');
  let t = page.get(key);
  if (!t) {
    let actor: Agent | undefined;
    try {
      actor = JSON.parse(attr('actor') ?? 'null') ?? undefined;
    } catch {
      console.warn(`[kairos] <${el.localName}> actor is not JSON: ${attr('actor')}`);
    }
    t = launch
      ? fromLaunch()
      : createTracker({
          endpoint: endpoint!,
          token: attr('token'),
          actor,
          context: course ? { course: { id: course, type: ActivityTypes.course } } : {},
        });
    page.set(key, t);
    t.initialize();
    const end = t;
    addEventListener('pagehide', (e) => e.persisted || end.terminate());
  }
  return t;
}
