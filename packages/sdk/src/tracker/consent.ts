/** The stored consent decision: `true` granted, `false` opted out, `undefined` never asked. */
export function readConsent(ls: Storage | undefined, name: string): boolean | undefined {
  const v = ls?.getItem(`kairos:consent:${name}`);
  return v ? v === '1' : undefined;
}

/** Persists the decision so an opt-out survives reloads. */
export function writeConsent(ls: Storage | undefined, name: string, granted: boolean): void {
  ls?.setItem(`kairos:consent:${name}`, granted ? '1' : '0');
}
