import type { Statement } from '@kairos/xapi';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { MemoryCache } from '../storage/cache/memory.js';
import { STORED_CHANNEL } from '../storage/record/announce.js';
import { SqlRecordStore } from '../storage/record/sql/record-store.js';
import { openPglite } from '../storage/sql/database.js';
import type { Stores } from '../storage/types.js';
import { Forwarders, parseForwarderInput } from './forwarders.js';
import { Forwarding } from './job.js';
import { passesFilters } from './sender.js';

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const statement = (verb: string, object: string, parent?: string): Statement =>
  ({
    actor: { account: { homePage: 'https://lms.example', name: '1' } },
    verb: { id: verb },
    object: { id: object },
    ...(parent ? { context: { contextActivities: { parent: [{ id: parent }] } } } : {}),
  }) as Statement;

describe('forwarder input', () => {
  const valid = { tenantId: 't', endpoint: 'https://lrs.example/xapi', username: 'k', password: 's' };
  it('takes an http(s) endpoint (with a trailing slash added), credentials and IRI filters', () => {
    expect(parseForwarderInput({ ...valid, verbs: [COMPLETED, COMPLETED] })).toMatchObject({
      endpoint: 'https://lrs.example/xapi/',
      verbs: [COMPLETED],
      activities: [],
      from: 'start',
    });
  });
  it.each([
    [{ endpoint: 'ftp://lrs.example/' }, 'http(s)'],
    [{ endpoint: 'not a url' }, 'URL of an xAPI endpoint'],
    [{ username: '' }, 'username and password'],
    [{ verbs: ['completed'] }, 'verbs must be a list of IRIs'],
    [{ activities: 'https://a.example' }, 'activities must be a list of IRIs'],
    [{ from: 'yesterday' }, 'from must be start or now'],
  ])('refuses %o with a 400 that says what to fix', (patch, message) => {
    expect(() => parseForwarderInput({ ...valid, ...patch })).toThrow(message);
  });
});

describe('forwarder filters', () => {
  it('let everything through when empty', () => {
    expect(passesFilters({ verbs: [], activities: [] }, statement(COMPLETED, 'https://a.example/1'))).toBe(
      true,
    );
  });
  it('match the verb, and the object or any context activity', () => {
    const f = { verbs: [COMPLETED], activities: ['https://course.example'] };
    expect(passesFilters(f, statement(COMPLETED, 'https://course.example'))).toBe(true);
    expect(passesFilters(f, statement(COMPLETED, 'https://a.example/1', 'https://course.example'))).toBe(
      true,
    );
    expect(passesFilters(f, statement(COMPLETED, 'https://a.example/1'))).toBe(false);
    expect(
      passesFilters(f, statement('http://adlnet.gov/expapi/verbs/answered', 'https://course.example')),
    ).toBe(false);
  });
});

describe('forwarders in the record store', () => {
  it('keep the secret sealed, and let only one of two writers of the same version win', async () => {
    const store = new SqlRecordStore(await openPglite('memory://'));
    await store.migrate();
    const forwarders = new Forwarders(store.keyed, 'a-secret-of-the-server-0123456789abcdef');
    const created = await forwarders.add(
      parseForwarderInput({
        tenantId: 't',
        endpoint: 'https://lrs.example/xapi/',
        username: 'k',
        password: 'pw-123',
      }),
    );
    const [row] = await store.keyed.find('kairos:forwarder', { tenantId: 't' });
    expect(JSON.stringify(row)).not.toContain('pw-123');
    const stored = (await forwarders.get('t', created.id))!;
    expect(forwarders.password(stored)).toBe('pw-123');
    expect(() =>
      new Forwarders(store.keyed, 'another-secret-0123456789abcdef012345').password(stored),
    ).toThrow();
    const a = await forwarders.write(stored, { ...stored, checkpoint: 'a' });
    const b = await forwarders.write(stored, { ...stored, checkpoint: 'b' });
    expect(a?.checkpoint).toBe('a');
    expect(b).toBeUndefined();
    expect((await forwarders.get('t', created.id))!.checkpoint).toBe('a');
    expect(await forwarders.remove('t', created.id)).toBe(true);
    expect(await forwarders.list('t')).toEqual([]);
    await store.close();
  });
});

describe('forwarding without forwarders', () => {
  it('reads the forwarder list once per poll, not once per stored batch', async () => {
    const record = new SqlRecordStore(await openPglite('memory://'));
    await record.migrate();
    const cache = new MemoryCache();
    const stores = { record, cache } as unknown as Stores;
    let reads = 0;
    const find = record.keyed.find.bind(record.keyed);
    record.keyed.find = (collection, match) => {
      if (collection === 'kairos:forwarder') reads++;
      return find(collection, match);
    };
    const forwarding = new Forwarding(stores, 'secret', {
      horizon: () => new Date(),
      logger: createLogger('silent'),
      pollMs: 60_000,
    });
    await forwarding.start();
    await forwarding.wake(); // (joins the first poll's pass, or follows it)
    const looked = reads;
    expect(looked).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) {
      await cache.publish(STORED_CHANNEL, 't');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(reads).toBe(looked);
    // asked directly (a forwarder added here), it looks again; a stored batch after a look that found one
    // wakes a pass too
    await forwarding.forwarders.add(
      parseForwarderInput({
        tenantId: 't',
        endpoint: 'https://lrs.example/xapi',
        username: 'k',
        password: 's',
      }),
    );
    await forwarding.wake();
    expect(reads).toBe(looked + 1);
    await cache.publish(STORED_CHANNEL, 't');
    await forwarding.wake();
    expect(reads).toBeGreaterThanOrEqual(looked + 2);
    await forwarding.stop();
    await record.close();
  });
});
