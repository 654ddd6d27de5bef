import { describe, expect, it, vi } from 'vitest';
import { defineElement } from './define.js';

function fakeRegistry() {
  const map = new Map<string, CustomElementConstructor>();
  return {
    get: (n: string) => map.get(n),
    define: (n: string, c: CustomElementConstructor) => {
      if (map.has(n)) throw new Error('already defined');
      map.set(n, c);
    },
  } as unknown as CustomElementRegistry;
}

describe('defineElement', () => {
  it('defines once and skips a second copy with a warning', () => {
    const registry = fakeRegistry();
    const A = class {} as unknown as CustomElementConstructor;
    const B = class {} as unknown as CustomElementConstructor;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(defineElement('kairos-x', A, registry)).toBe(true);
    expect(defineElement('kairos-x', A, registry)).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    expect(defineElement('kairos-x', B, registry)).toBe(false);
    expect(warn).toHaveBeenCalledOnce();
    expect(registry.get('kairos-x')).toBe(A);
  });

  it('does nothing where there is no registry (server-side rendering)', () => {
    expect(defineElement('kairos-y', class {} as never, undefined as never)).toBe(false);
  });
});
