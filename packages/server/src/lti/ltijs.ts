import { createRequire } from 'node:module';

/**
 * The parts of ltijs 5.9.9 Kairos uses, typed by hand (`@types/ltijs` describes the v4 API). See
 * shared notes "ltijs 5.9.x inside Kairos" for the behaviour behind each member.
 */

/** A database plugin ltijs stores its collections through. */
export interface LtijsDatabase {
  setup(): Promise<boolean>;
  Close(): Promise<boolean>;
  Get(key: string | false, collection: string, query?: Record<string, unknown>): Promise<LtijsRow[] | false>;
  Insert(
    key: string | false,
    collection: string,
    item: object,
    index?: Record<string, unknown>,
  ): Promise<boolean>;
  Replace(
    key: string | false,
    collection: string,
    query: Record<string, unknown>,
    item: object,
    index?: Record<string, unknown>,
  ): Promise<boolean>;
  Modify(
    key: string | false,
    collection: string,
    query: Record<string, unknown>,
    mod: object,
  ): Promise<boolean>;
  Delete(collection: string, query: Record<string, unknown>): Promise<boolean>;
}

/** A row ltijs reads back. */
export type LtijsRow = Record<string, unknown> & { createdAt?: Date };

/** The subset of an ltijs id token the services read off-request. */
export interface LtijsServiceToken {
  iss: string;
  clientId: string;
  user?: string;
  platformContext?: {
    namesRoles?: { context_memberships_url: string };
    endpoint?: { lineitems?: string; lineitem?: string; scope?: string[] };
    resource?: { id: string };
  };
}

/** An NRPS member as ltijs returns it. */
export interface NrpsMember {
  user_id: string;
  roles: string[];
  status?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
}

/** A configured ltijs Provider instance. */
export interface LtijsProvider {
  app: import('express').Express & ((req: unknown, res: unknown, next: unknown) => void);
  Database: LtijsDatabase;
  setup(key: string, database: { plugin: LtijsDatabase }, options: Record<string, unknown>): LtijsProvider;
  deploy(options: { serverless: true; silent: true }): Promise<true>;
  close(options?: { silent: true }): Promise<true>;
  whitelist(...routes: (string | RegExp | { route: string | RegExp; method: string })[]): true;
  onInvalidToken(fn: (req: unknown, res: import('express').Response, next: unknown) => unknown): true;
  Grade: {
    submitScore(
      token: LtijsServiceToken,
      lineItemUrl: string,
      score: Record<string, unknown>,
    ): Promise<unknown>;
    getLineItemById(token: LtijsServiceToken, lineItemUrl: string): Promise<{ scoreMaximum?: number }>;
  };
  NamesAndRoles: {
    getMembers(
      token: LtijsServiceToken,
      options: { pages: false | number },
    ): Promise<{ members: NrpsMember[]; context?: { id: string; title?: string; label?: string } }>;
  };
}

const require = createRequire(import.meta.url);

/**
 * A fresh ltijs Provider. The package exports a singleton; each Kairos app (and each test) gets its own
 * instance through the singleton's constructor, so several apps can live in one process.
 */
export function newLtijsProvider(): LtijsProvider {
  const { Provider } = require('ltijs') as { Provider: { constructor: new () => LtijsProvider } };
  return new Provider.constructor();
}
