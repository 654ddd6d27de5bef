/**
 * `work`, or a rejection once `ms` have passed (`no answer within <ms> ms`, after `<what>: ` when given).
 * `work` runs on; its late outcome is dropped, never left as an unhandled rejection.
 *
 * @example
 * await withDeadline(store.ping(), 2000); // rejects with "no answer within 2000 ms" when the store hangs
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what ? `${what}: ` : ''}no answer within ${ms} ms`)), ms);
  });
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
