import { createHash, randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../../test/support/app.js';
import { recordStoreFactories } from '../../../../../test/support/record-stores.js';
import { buildMultipart, parseMultipart } from './multipart.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const text = Buffer.from('here is a simple attachment');
const statement = (attachments: unknown[], over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  actor: { mbox: 'mailto:learner@example.com' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: 'https://course.example/essay' },
  attachments,
  ...over,
});
const attachment = (content: Buffer, over: Record<string, unknown> = {}) => ({
  usageType: 'http://example.com/attachment-usage/test',
  display: { 'en-US': 'A test attachment' },
  contentType: 'text/plain; charset=ascii',
  length: content.length,
  sha2: sha(content),
  ...over,
});
const part = (content: Buffer, headers: Record<string, string> = {}) => ({
  headers: {
    'Content-Type': 'text/plain',
    'Content-Transfer-Encoding': 'binary',
    'X-Experience-API-Hash': sha(content),
    ...headers,
  },
  body: content,
});

for (const [backend, open] of recordStoreFactories) {
  describe(`statement attachments on ${backend}`, () => {
    let app: TestApp;
    let auth: string;
    beforeAll(async () => {
      const record = await open();
      if (!record) throw new Error(`${backend} unavailable`);
      app = await startTestApp(record);
      auth = await app.basic(['all']);
    });
    afterAll(async () => app?.close());

    const send = (parts: { headers: Record<string, string>; body: Buffer | string }[]) => {
      const { contentType, body } = buildMultipart(parts);
      return fetch(`${app.url}/xapi/statements`, {
        method: 'POST',
        headers: { authorization: auth, 'x-experience-api-version': '2.0.0', 'content-type': contentType },
        body: new Uint8Array(body),
      });
    };
    const json = (s: unknown) => ({
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(s),
    });

    it('stores attachment parts and serves them with attachments=true', async () => {
      const s = statement([attachment(text)]);
      const res = await send([json([s]), part(text)]);
      expect(res.status).toBe(200);
      const got = await fetch(`${app.url}/xapi/statements?statementId=${s.id}&attachments=true`, {
        headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
      });
      expect(got.status).toBe(200);
      const type = got.headers.get('content-type')!;
      expect(type).toMatch(/^multipart\/mixed; boundary=/);
      const parts = parseMultipart(Buffer.from(await got.arrayBuffer()), type.split('boundary=')[1]!);
      expect(JSON.parse(parts[0]!.body.toString()).id).toBe(s.id);
      expect(parts[1]!.headers['x-experience-api-hash']).toBe(sha(text));
      expect(parts[1]!.body.toString()).toBe(text.toString());
      // without attachments=true, plain JSON
      const plain = await fetch(`${app.url}/xapi/statements?statementId=${s.id}`, {
        headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
      });
      expect(plain.headers.get('content-type')).toMatch(/application\/json/);
    });

    it('rejects mismatched hashes, missing parts, extra parts and JSON without fileUrl', async () => {
      const s = statement([attachment(text)]);
      const mismatch = await send([
        json(s),
        part(Buffer.from('other content'), { 'X-Experience-API-Hash': sha(text) }),
      ]);
      expect(mismatch.status).toBe(400);
      expect((await mismatch.json()).message).toMatch(/does not match its content/);
      const missing = await send([json(s)]);
      expect((await missing.json()).message).toMatch(/no part carries its content/);
      const extra = await send([json(s), part(text), part(Buffer.from('stray'))]);
      expect((await extra.json()).message).toMatch(/belong to no statement attachment/);
      const plain = await fetch(`${app.url}/xapi/statements`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'x-experience-api-version': '2.0.0',
          'content-type': 'application/json',
        },
        body: JSON.stringify(s),
      });
      expect(plain.status).toBe(400);
      // nothing of these was stored
      const get = await fetch(`${app.url}/xapi/statements?statementId=${s.id}`, {
        headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
      });
      expect(get.status).toBe(404);
      // a fileUrl attachment needs no part
      const withUrl = statement([attachment(text, { fileUrl: 'https://files.example/a.txt' })]);
      expect((await send([json(withUrl)])).status).toBe(200);
    });

    it('verifies signed statements', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const unsigned = statement([]);
      delete (unsigned as { attachments?: unknown }).attachments;
      const sign = async (payload: unknown, alg = 'RS256') =>
        Buffer.from(await new SignJWT(payload as never).setProtectedHeader({ alg }).sign(privateKey));
      const signedWith = async (jws: Buffer) => {
        const sig = attachment(jws, {
          usageType: 'http://adlnet.gov/expapi/attachments/signature',
          contentType: 'application/octet-stream',
        });
        return send([
          json({ ...unsigned, attachments: [sig] }),
          part(jws, { 'Content-Type': 'application/octet-stream' }),
        ]);
      };
      expect((await signedWith(await sign(unsigned))).status).toBe(200);
      const tampered = await signedWith(
        await sign({ ...unsigned, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } }),
      );
      expect(tampered.status).toBe(400);
      expect((await tampered.json()).message).toMatch(/payload differs/);
      const notJws = await signedWith(Buffer.from('not a jws'));
      expect(notJws.status).toBe(400);
    });
  });
}
