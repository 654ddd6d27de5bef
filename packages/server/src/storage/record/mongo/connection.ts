import mongoose from 'mongoose';
import { guardMongoDriverWrites } from './driver-guard.js';

/** One versioned index/collection change for the MongoDB record store. */
export interface MongoMigration {
  version: number;
  name: string;
  up(db: mongoose.mongo.Db): Promise<void>;
}

/**
 * Opens a mongoose connection and waits until the server answers a ping. Only features that MongoDB 5+,
 * Atlas and FerretDB all support are used: CRUD, unique and compound indexes, sort/limit queries.
 *
 * Every call has a deadline (`timeoutMs`, default 10 s): finding a server, opening a connection, and a
 * socket silent that long (a server that accepts connections and never answers) fail the operation with a
 * driver error that `storeOutage` recognises (503 to HTTP clients). Commands are not buffered while
 * disconnected: they fail at once rather than wait. The driver's writes are guarded against a socket that
 * closes while a write waits for it to drain (see {@link guardMongoDriverWrites}).
 */
export async function connectMongo(
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<mongoose.Connection> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  guardMongoDriverWrites();
  const conn = mongoose.createConnection(url, {
    autoIndex: false,
    autoCreate: false,
    bufferCommands: false,
    serverSelectionTimeoutMS: Math.min(5000, timeoutMs),
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
  });
  try {
    await conn.asPromise();
    await conn.db!.command({ ping: 1 });
    return conn;
  } catch (error) {
    // a failed first contact leaves nothing behind that would keep the process alive
    await conn.close(true).catch(() => {});
    throw error;
  }
}

/** Applies pending migrations recorded in `kairos_migrations` (one document per role and version). */
export async function applyMongoMigrations(
  db: mongoose.mongo.Db,
  role: string,
  migrations: MongoMigration[],
): Promise<number[]> {
  const log = db.collection<{ _id: string; role: string; version: number; name: string; appliedAt: Date }>(
    'kairos_migrations',
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const id = `${role}:${m.version}`;
    if (await log.findOne({ _id: id })) continue;
    // Index creation is idempotent, so two processes migrating at once converge without a transaction.
    await m.up(db);
    await log.updateOne(
      { _id: id },
      { $setOnInsert: { role, version: m.version, name: m.name, appliedAt: new Date() } },
      { upsert: true },
    );
    applied.push(m.version);
  }
  return applied;
}
