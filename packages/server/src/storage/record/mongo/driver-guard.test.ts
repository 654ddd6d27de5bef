import { createRequire } from 'node:module';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardMongoDriverWrites } from './driver-guard.js';

// The driver's own classes, from the copy mongoose loads (as the guard does).
const fromMongoose = createRequire(createRequire(import.meta.url).resolve('mongoose'));
const { Connection } = fromMongoose('mongodb/lib/cmap/connection.js');
const { MongoDBNamespace } = fromMongoose('mongodb/lib/utils.js');

/** How a promise stands after `ms`: its error message, 'resolved', or 'pending'. */
async function after(promise: Promise<unknown>, ms: number): Promise<string> {
  const timer = new Promise<string>((r) => setTimeout(() => r('pending'), ms));
  return Promise.race([
    promise.then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
    timer,
  ]);
}

describe('guardMongoDriverWrites', () => {
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    // a peer that accepts and never answers: only the client side of the socket matters here
    server = net.createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /**
   * A command sent on a driver connection whose socket has just been destroyed, before its `close` event —
   * the moment the server monitor's heartbeat hung in (a write that returns false and never drains).
   */
  async function commandOnClosingSocket(): Promise<{ reply: Promise<unknown> }> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    const connection = new Connection(socket, { id: 1, generation: 0 });
    socket.destroy();
    return { reply: connection.command(MongoDBNamespace.fromString('admin.$cmd'), { hello: 1 }, {}) };
  }

  /**
   * A command whose write is left waiting for a drain (the socket's buffer is full: `write` returns false),
   * then the socket closes — the race itself, not the closed socket the guard refuses up front.
   */
  async function commandWaitingForDrain(): Promise<{ reply: Promise<unknown>; close(): void }> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    const connection = new Connection(socket, { id: 3, generation: 0 });
    socket.write = (() => false) as typeof socket.write;
    const reply = connection.command(MongoDBNamespace.fromString('admin.$cmd'), { hello: 1 }, {});
    return { reply, close: () => socket.destroy() };
  }

  it('a write on a socket that closes fails with the connection error instead of waiting forever', async () => {
    // the unguarded driver waits for a drain that never comes (this is what the guard is for)
    const unguarded = await commandOnClosingSocket();
    expect(await after(unguarded.reply, 500)).toBe('pending');
    const unguardedRace = await commandWaitingForDrain();
    await new Promise((r) => setTimeout(r, 100));
    unguardedRace.close();
    expect(await after(unguardedRace.reply, 500)).toBe('pending');

    expect(guardMongoDriverWrites()).toBe(true);
    // a socket already destroyed: refused before the write
    const guarded = await commandOnClosingSocket();
    expect(await after(guarded.reply, 2000)).toMatch(/connection 1 to .* closed/);
    // a write waiting for a drain when the socket closes: fails with the close
    const race = await commandWaitingForDrain();
    expect(await after(race.reply, 200)).toBe('pending');
    race.close();
    expect(await after(race.reply, 2000)).toMatch(/connection 3 to .* closed/);
  });

  it('is idempotent, and commands on a live connection still go through the guarded write', async () => {
    expect(guardMongoDriverWrites()).toBe(true);
    expect(guardMongoDriverWrites()).toBe(true);
    const written: Buffer[] = [];
    const peer = net.createServer((s) => s.on('data', (d) => written.push(d)));
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const socket = net.connect({ host: '127.0.0.1', port: (peer.address() as net.AddressInfo).port });
    await new Promise((r) => socket.once('connect', r));
    const connection = new Connection(socket, { id: 2, generation: 0 });
    const reply = connection.command(MongoDBNamespace.fromString('admin.$cmd'), { ping: 1 }, {});
    // the request reaches the peer (who never answers); closing the connection then fails the command
    await expect.poll(() => written.length).toBeGreaterThan(0);
    connection.destroy();
    expect(await after(reply, 2000)).toMatch(/closed/);
    await new Promise<void>((r) => peer.close(() => r()));
  });
});
