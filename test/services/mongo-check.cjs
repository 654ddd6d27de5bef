#!/usr/bin/env node
// Talks to a MongoDB-compatible server (FerretDB in our tests) with the official `mongodb` driver.
//   node test/services/mongo-check.cjs ping  [url] [timeoutMs]  → exit 0 once `ping` answers
//   node test/services/mongo-check.cjs smoke [url]              → insert, find+sort+limit,
//       unique compound index, duplicate insert → 11000; uses (and drops) db `kairos_smoke`.
// The driver is resolved from the repo root node_modules (it comes with mongoose), else from
// $KAIROS_MONGODB_DRIVER_DIR (a folder whose node_modules has `mongodb`). Without a driver, `ping`
// falls back to a raw OP_MSG `{ping: 1}` over TCP (no auth/TLS); `smoke` exits 3.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

function loadDriver(optional) {
  const roots = [path.resolve(__dirname, '../..'), process.env.KAIROS_MONGODB_DRIVER_DIR].filter(Boolean);
  for (const root of roots) {
    try {
      return createRequire(path.join(root, 'noop.js'))('mongodb');
    } catch {}
  }
  if (optional) return null;
  console.error('mongo-check: the `mongodb` driver is not installed (run `npm ci` at the repo root)');
  process.exit(3);
}

/** Minimal BSON: encodes `{ping: 1, $db: 'admin'}`, reads top-level `ok` of the reply. */
function rawPingOnce(host, port) {
  const net = require('node:net');
  const el = (type, name, value) => Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`), value]);
  const int32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const str = (s) => Buffer.concat([int32(Buffer.byteLength(s) + 1), Buffer.from(`${s}\0`)]);
  const body = Buffer.concat([el(0x10, 'ping', int32(1)), el(0x02, '$db', str('admin')), Buffer.from([0])]);
  const doc = Buffer.concat([int32(body.length + 4), body]);
  const msg = Buffer.concat([int32(0), Buffer.from([0]), doc]); // flagBits, section kind 0
  const header = Buffer.concat([int32(16 + msg.length), int32(1), int32(0), int32(2013)]);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port, timeout: 1000 }, () => sock.write(Buffer.concat([header, msg])));
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
      sock.destroy();
      // header 16 + flagBits 4 + kind 1, then the reply document; scan its top-level elements for `ok`.
      let i = 21 + 4;
      const end = 21 + buf.readInt32LE(21) - 1;
      while (i < end) {
        const type = buf[i];
        const nameEnd = buf.indexOf(0, i + 1);
        const name = buf.toString('utf8', i + 1, nameEnd);
        const v = nameEnd + 1;
        if (name === 'ok') {
          const ok = type === 0x01 ? buf.readDoubleLE(v) : type === 0x10 ? buf.readInt32LE(v) : NaN;
          return ok === 1 ? resolve() : reject(new Error(`ping replied ok=${ok}`));
        }
        const sizes = { 1: 8, 7: 12, 8: 1, 9: 8, 10: 0, 16: 4, 17: 8, 18: 8 };
        if (type in sizes) i = v + sizes[type];
        else if (type === 2 || type === 13) i = v + 4 + buf.readInt32LE(v);
        else if (type === 3 || type === 4) i = v + buf.readInt32LE(v);
        else if (type === 5) i = v + 5 + buf.readInt32LE(v);
        else return reject(new Error(`unexpected BSON type ${type} in ping reply`));
      }
      reject(new Error('ping reply has no ok field'));
    });
    sock.on('timeout', () => sock.destroy(new Error('timeout')));
    sock.on('error', reject);
  });
}

const [mode = 'ping', url = process.env.MONGODB_URL || 'mongodb://127.0.0.1:27017/kairos_test', timeoutArg] =
  process.argv.slice(2);
const driver = loadDriver(mode === 'ping');

async function ping() {
  const deadline = Date.now() + Number(timeoutArg || 30000);
  let lastErr;
  while (Date.now() < deadline) {
    if (!driver) {
      const { hostname, port } = new URL(url.replace(/^mongodb:/, 'http:'));
      try {
        return await rawPingOnce(hostname, Number(port || 27017));
      } catch (err) {
        lastErr = err;
      }
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    const client = new driver.MongoClient(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
    try {
      await client.connect();
      const res = await client.db('admin').command({ ping: 1 });
      if (res.ok === 1) return;
    } catch (err) {
      lastErr = err;
    } finally {
      await client.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no ping answer from ${url}: ${lastErr ? lastErr.message : 'timeout'}`);
}

async function smoke() {
  const assert = require('node:assert/strict');
  const client = new driver.MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    const hello = await client.db('admin').command({ hello: 1 });
    const db = client.db('kairos_smoke');
    await db.dropDatabase();
    const c = db.collection('statements');
    const docs = Array.from({ length: 10 }, (_, i) => ({ actor: `a${i % 3}`, seq: i, verb: 'answered' }));
    const ins = await c.insertMany(docs);
    assert.equal(ins.insertedCount, 10);
    const top = await c.find({ verb: 'answered' }).sort({ seq: -1 }).limit(3).toArray();
    assert.deepEqual(
      top.map((d) => d.seq),
      [9, 8, 7],
    );
    const idx = await c.createIndex({ actor: 1, seq: 1 }, { unique: true, name: 'actor_seq_unique' });
    assert.equal(idx, 'actor_seq_unique');
    const indexes = await c.indexes();
    assert.ok(indexes.some((i) => i.name === 'actor_seq_unique' && i.unique));
    let code;
    try {
      await c.insertOne({ actor: 'a0', seq: 0, verb: 'answered' });
    } catch (err) {
      code = err.code;
    }
    assert.equal(code, 11000, 'duplicate insert must fail with E11000');
    assert.equal(await c.countDocuments({}), 10);
    await db.dropDatabase();
    console.log(
      `smoke ok: ${url} (server ${hello.maxWireVersion ? `wire ${hello.maxWireVersion}` : '?'}; ` +
        'insertMany 10, find sort/limit [9,8,7], unique compound index, duplicate → 11000)',
    );
  } finally {
    await client.close();
  }
}

(mode === 'smoke' ? smoke() : ping()).catch((err) => {
  console.error(`mongo-check ${mode}: ${mode === 'ping' ? err?.message : err?.stack || err}`);
  process.exit(1);
});
