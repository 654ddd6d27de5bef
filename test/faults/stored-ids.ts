import { expect } from 'vitest';

/** Every statement id the LRS serves for this credential, with repeats (paged through `more`). */
export async function storedIds(url: string, auth: string): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined = '/xapi/statements?limit=500&ascending=true';
  while (next) {
    const res = await fetch(new URL(next, url), {
      headers: { 'X-Experience-API-Version': '1.0.3', Authorization: auth },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statements: { id: string }[]; more?: string };
    for (const s of body.statements) ids.push(s.id);
    next = body.more || undefined;
  }
  return ids;
}
