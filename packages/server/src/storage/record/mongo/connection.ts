import mongoose from 'mongoose';

/** One versioned index/collection change for the MongoDB record store. */
export interface MongoMigration {
  version: number;
  name: string;
  up(db: mongoose.mongo.Db): Promise<void>;
}

/**
 * Opens a mongoose connection and waits until the server answers a ping. Only features that MongoDB 5+,
 * Atlas and FerretDB all support are used: CRUD, unique and compound indexes, sort/limit queries.
 */
export async function connectMongo(url: string): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(url, {
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: 5000,
  });
  await conn.asPromise();
  await conn.db!.command({ ping: 1 });
  return conn;
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
