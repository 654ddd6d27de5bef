// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { fromLaunch, readLaunch } from './index.js';

afterEach(() => {
  document.getElementById('kairos-launch')?.remove();
});

const bootstrap = (text: string) => {
  const el = document.createElement('script');
  el.type = 'application/json';
  el.id = 'kairos-launch';
  el.textContent = text;
  document.head.append(el);
};

describe('launch bootstrap', () => {
  it('reads the JSON Kairos writes into the launch page', () => {
    bootstrap('{"endpoint":"https://k/xapi","token":"t","language":"fr"}');
    expect(readLaunch()).toEqual({ endpoint: 'https://k/xapi', token: 't', language: 'fr' });
  });

  it('returns {} when the element is missing or broken', () => {
    expect(readLaunch()).toEqual({});
    bootstrap('{not json');
    expect(readLaunch()).toEqual({});
  });

  it('fromLaunch creates a tracker whose overrides win', () => {
    bootstrap(
      '{"endpoint":"https://k/xapi","token":"t","actor":{"account":{"homePage":"https://lms","name":"1"}}}',
    );
    const t = fromLaunch({ storage: 'memory', language: 'de', heartbeat: 0 });
    const s = t.experience({ id: 'https://x/1', name: 'Seite' })!;
    expect(s.actor).toEqual({ account: { homePage: 'https://lms', name: '1' } });
    expect(s.object.definition).toEqual({ name: { de: 'Seite' } });
    t.destroy();
  });
});
