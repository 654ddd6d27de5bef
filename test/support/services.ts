import net from 'node:net';
import { loadServicesEnv } from './services-env.js';

loadServicesEnv();

/** External services tests can run against. */
export type Service = 'postgres' | 'mongodb' | 'redis';

const variables: Record<Service, string> = {
  postgres: 'DATABASE_URL',
  mongodb: 'MONGODB_URL',
  redis: 'REDIS_URL',
};
const defaults: Record<Service, string> = {
  postgres: 'postgres://postgres@127.0.0.1:5432/kairos_test',
  mongodb: 'mongodb://127.0.0.1:27017/kairos_test',
  redis: 'redis://127.0.0.1:6379/0',
};

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  const port = Number(
    u.port || { 'postgres:': 5432, 'postgresql:': 5432, 'mongodb:': 27017, 'redis:': 6379 }[u.protocol],
  );
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * URL of a service for tests (from the environment or `.tmp/services.env`, else the standard local port),
 * or `undefined` when nothing answers there. With `CI=true` a missing service is an error, never a skip:
 * run `test/services/up` first.
 */
export async function serviceUrl(service: Service): Promise<string | undefined> {
  const url = process.env[variables[service]] ?? defaults[service];
  if (await reachable(url)) return url;
  if (process.env.CI === 'true') {
    throw new Error(
      `${variables[service]} (${url}) does not answer, and CI=true forbids skipping: run test/services/up first.`,
    );
  }
  console.warn(`skipping ${service} tests: nothing answers at ${url} (run test/services/up)`);
  return undefined;
}

/** A short random name made of lowercase letters only (safe as a MongoDB database or SQL schema name). */
export function randomName(prefix: string): string {
  let s = prefix;
  for (let i = 0; i < 10; i++) s += String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return s;
}

/** A PostgreSQL URL whose connections use a fresh schema, so each suite migrates from scratch. */
export async function freshPostgresSchema(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const pg = (await import('pg')).default;
  const schema = randomName('kt_');
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A MongoDB URL on a fresh database name. */
export function freshMongoDatabase(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${randomName('kt')}`;
  return u.toString();
}
