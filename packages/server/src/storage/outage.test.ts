import { describe, expect, it } from 'vitest';
import {
  asOutage,
  isMongoOutage,
  isPostgresOutage,
  isRedisOutage,
  StoreUnavailableError,
  storeOutage,
} from './outage.js';

const named = (name: string, props: Record<string, unknown> = {}) =>
  Object.assign(Object.create({ name }), { message: 'x', ...props }) as Error;

describe('store outages', () => {
  it('tells PostgreSQL outages from query errors', () => {
    for (const e of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('Query read timeout'),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
    ]) {
      expect(isPostgresOutage(e), e.message).toBe(true);
    }
    for (const e of [
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
      Object.assign(new Error('syntax error at or near'), { code: '42601' }),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
      new TypeError('x is undefined'),
    ]) {
      expect(isPostgresOutage(e), e.message).toBe(false);
    }
  });

  it('tells MongoDB outages from write errors', () => {
    expect(isMongoOutage(named('MongoServerSelectionError'))).toBe(true);
    expect(isMongoOutage(named('MongoNetworkTimeoutError'))).toBe(true);
    expect(isMongoOutage(named('MongoServerError', { code: 91 }))).toBe(true);
    expect(isMongoOutage(named('MongoBulkWriteError', { writeErrors: [] }))).toBe(true);
    expect(isMongoOutage(named('MongoBulkWriteError', { code: 11000, writeErrors: [{ code: 11000 }] }))).toBe(
      false,
    );
    expect(isMongoOutage(named('MongoServerError', { code: 11000 }))).toBe(false);
    expect(isMongoOutage(new Error('Connection terminated'))).toBe(false);
  });

  it('counts every Redis client error but a reply error as an outage', () => {
    expect(isRedisOutage(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisOutage(named('MaxRetriesPerRequestError'))).toBe(true);
    expect(isRedisOutage(named('ReplyError'))).toBe(false);
  });

  it('finds the outage in a cause chain and leaves other errors alone', () => {
    const outage = new StoreUnavailableError('Redis', new Error('Command timed out'));
    expect(storeOutage(new Error('wrapped', { cause: outage }))).toBe(outage);
    expect(storeOutage(named('MongoNetworkError'))?.store).toBe('MongoDB');
    expect(storeOutage(new Error('a bug'))).toBeUndefined();
    const bug = new TypeError('a bug');
    expect(asOutage('PostgreSQL', bug, isPostgresOutage)).toBe(bug);
    const converted = asOutage('PostgreSQL', new Error('Query read timeout'), isPostgresOutage);
    expect(converted).toBeInstanceOf(StoreUnavailableError);
    expect((converted as StoreUnavailableError).status).toBe(503);
    // clients are not told where the store is
    expect((converted as Error).message).not.toMatch(/timeout|127\.0\.0\.1/);
    expect((converted as StoreUnavailableError).reason).toBe('Query read timeout');
  });
});
