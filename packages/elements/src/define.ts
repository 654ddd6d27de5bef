/**
 * Registers a custom element once. Pages may load two copies of Kairos (an LMS page and a widget, two
 * iframes' worth of scripts): the second registration is skipped with a warning instead of throwing.
 *
 * @example
 * defineElement('kairos-quiz', KairosQuiz);
 */
export function defineElement(
  name: string,
  ctor: CustomElementConstructor,
  registry = globalThis.customElements,
): boolean {
  if (!registry) return false;
  const existing = registry.get(name);
  if (existing) {
    if (existing !== ctor)
      console.warn(`<${name}> is already defined by another copy of @kairos/elements; keeping the first.`);
    return false;
  }
  registry.define(name, ctor);
  return true;
}
