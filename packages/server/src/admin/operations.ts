import type { XapiVersion } from '@kairos/xapi';
import type { ParsedFramework } from '../analytics/frameworks/import.js';
import { Projector, type ReprojectProgress } from '../analytics/projection/projector.js';
import { createApiKey } from '../auth/api-keys.js';
import { announceRevocation, keyCacheOf } from '../auth/key-cache.js';
import type { Principal } from '../auth/principal.js';
import { KairosError } from '../errors.js';
import type { ForwarderInfo } from '../forward/forwarders.js';
import { type ForwarderStatus, Forwarders, forwarderStatus, parseForwarderInput } from '../forward/index.js';
import { createLogger } from '../logger.js';
import { ConsistencyTracker } from '../lrs/consistency.js';
import { ltijsKey, ltijsPlugin } from '../lti/plugin.js';
import { type PlatformInput, type PlatformRegistration, PlatformRegistry } from '../lti/registry.js';
import { currentActor } from '../privacy/actor.js';
import { type AuditEntry, AuditLog } from '../privacy/audit.js';
import { exportLearner, type LearnerExport } from '../privacy/export.js';
import { type ForgetSummary, forgetLearner } from '../privacy/forget.js';
import { learnerDigest } from '../privacy/identity.js';
import { type RetentionSummary, runRetention } from '../privacy/retention.js';
import {
  assertKnownTenant,
  type RetentionSetting,
  RetentionSettings,
  type RetentionStatus,
} from '../privacy/retention-settings.js';
import type { CredentialRecord, Stores } from '../storage/types.js';
import { type ImportResult, importBatch } from './import.js';

/** A credential as shown to operators: never the secret or its hash. */
export type KeyInfo = Omit<CredentialRecord, 'secretHash'>;

/** Operations of the admin commands, run on the stores directly or through a running server. */
export interface AdminOperations {
  createKey(input: {
    tenantId: string;
    name: string;
    scopes: string[];
  }): Promise<KeyInfo & { secret: string }>;
  listKeys(tenantId?: string): Promise<KeyInfo[]>;
  revokeKey(key: string): Promise<boolean>;
  importStatements(tenantId: string, items: unknown[], version: XapiVersion): Promise<ImportResult>;
  /** Registers an LMS by hand (`kairos platform add`), or adds deployments to its registration. */
  addPlatform(input: PlatformInput): Promise<PlatformRegistration>;
  listPlatforms(): Promise<PlatformRegistration[]>;
  removePlatform(tenantId: string): Promise<PlatformRegistration>;
  /** Signs with a new tool key; the old public key stays in /lti/keys until what it signed expires. */
  rotatePlatformKey(tenantId: string): Promise<PlatformRegistration>;
  /** Adds or updates competencies of a framework (`kairos competencies import`); returns how many were written. */
  importFramework(tenantId: string, framework: ParsedFramework): Promise<number>;
  /** Forwards a tenant's statements to another LRS (`kairos forward add`); the input is checked here. */
  addForwarder(input: unknown): Promise<ForwarderInfo>;
  listForwarders(tenantId?: string): Promise<ForwarderStatus[]>;
  removeForwarder(tenantId: string, id: string): Promise<boolean>;
  /** Rebuilds the projection of one tenant (or every tenant) while the server keeps answering. */
  reproject(
    tenantId: string | undefined,
    onProgress?: (p: ReprojectProgress) => void,
  ): Promise<ReprojectProgress[]>;
  /** Erases one learner from every store (`kairos forget`); the audit log names them by HMAC only. */
  forget(
    input: { learner: string; tenantId?: string },
    onProgress?: (line: string) => void,
  ): Promise<ForgetSummary>;
  /** One learner's data as JSON (`kairos export`, the right of access). */
  exportLearner(input: { learner: string; tenantId?: string }): Promise<LearnerExport>;
  /** The audit log of administrative actions, oldest first. */
  audit(filter: { tenantId?: string; since?: string }): Promise<AuditEntry[]>;
  /** Each tenant's retention setting and last run (`kairos retention show`). */
  retentionStatus(): Promise<RetentionStatus[]>;
  /** Sets a tenant's retention in months (`kairos retention set`); the tenant must exist. */
  setRetention(tenantId: string, months: number): Promise<RetentionSetting>;
  /** Removes a tenant's retention (`kairos retention clear`); false when it had none. */
  clearRetention(tenantId: string): Promise<boolean>;
  /** Purges what each tenant's retention no longer keeps, or counts it (`kairos retention run`). */
  runRetention(
    input: { tenantId?: string; dryRun?: boolean },
    onProgress?: (line: string) => void,
  ): Promise<RetentionSummary>;
}

const info = ({ secretHash: _, ...rest }: CredentialRecord): KeyInfo => rest;

/**
 * Admin operations on open stores. `projector` is the server's own when it runs them; a CLI on the stores
 * directly gets one of its own (its horizon trails by the consistency margin other processes' writes need).
 */
export function localOperations(
  stores: Stores,
  publicUrl: string,
  consistency = new ConsistencyTracker(),
  secret?: string,
  projector = new Projector(stores, {
    horizon: () => new Date(Date.now() - 2000),
    settleMs: 0,
    logger: createLogger('warn'),
  }),
): AdminOperations {
  // Platform keys are sealed with a key derived from the server secret: the same secret must be used here.
  const registry = () => {
    if (!secret)
      throw new KairosError('secret_required', 'platform commands need the server secret (KAIROS_SECRET)');
    const keyed = stores.record.keyed;
    return new PlatformRegistry(keyed, ltijsPlugin(keyed), ltijsKey(secret));
  };
  const forwarders = () => {
    if (!secret)
      throw new KairosError('secret_required', 'forward commands need the server secret (KAIROS_SECRET)');
    return new Forwarders(stores.record.keyed, secret);
  };
  const log = new AuditLog(stores.record.keyed);
  const serverSecret = () => {
    if (!secret)
      throw new KairosError('secret_required', 'privacy commands need the server secret (KAIROS_SECRET)');
    return secret;
  };
  const retention = new RetentionSettings(stores.record.keyed);
  const ops: AdminOperations = {
    retentionStatus: () => retention.list(),
    async setRetention(tenantId, months) {
      await assertKnownTenant(stores, tenantId);
      return retention.set(tenantId, months);
    },
    async clearRetention(tenantId) {
      await assertKnownTenant(stores, tenantId);
      return retention.clear(tenantId);
    },
    runRetention: (input, onProgress) => runRetention(stores, projector, { ...input, onProgress }),
    forget: (input, onProgress) =>
      forgetLearner(stores, projector, { ...input, secret: serverSecret(), onProgress }),
    exportLearner: (input) => exportLearner(stores, input),
    audit: (filter) => log.list(filter),
    addForwarder: (input) => forwarders().add(parseForwarderInput(input)),
    listForwarders: (tenantId) => forwarderStatus(stores, forwarders(), tenantId),
    removeForwarder: (tenantId, id) => forwarders().remove(tenantId, id),
    addPlatform: (input) => registry().add(input),
    listPlatforms: () => registry().list(),
    removePlatform: (tenantId) => registry().remove(tenantId),
    rotatePlatformKey: (tenantId) => registry().rotateKey(tenantId),
    async createKey(input) {
      const { record, secret } = await createApiKey(stores.record.credentials, input);
      return { ...info(record), secret };
    },
    async listKeys(tenantId) {
      return (await stores.record.credentials.list(tenantId)).map(info);
    },
    async revokeKey(key) {
      const found = await stores.record.credentials.find(key);
      if (!found) throw new KairosError('key_not_found', `no API key ${key}`, { status: 404 });
      const revoked = await stores.record.credentials.revoke(key, new Date().toISOString());
      // Every process drops the key now (this one without waiting for Redis to echo the message), so
      // neither the key nor the tokens it minted outlive the revocation; a process that misses the
      // message still re-reads the key within KEY_CACHE_MS.
      keyCacheOf(stores.record.credentials).forget(key);
      await announceRevocation(stores.cache, key);
      return revoked;
    },
    importFramework: (tenantId, f) =>
      stores.analytics.inputs.importFramework(
        tenantId,
        { framework: f.framework, title: f.title, source: f.source },
        f.competencies,
      ),
    async reproject(tenantId, onProgress) {
      const tenants = tenantId === undefined ? await stores.record.statements.tenants() : [tenantId];
      const done: ReprojectProgress[] = [];
      for (const t of tenants) done.push(await projector.reproject(t, onProgress));
      return done;
    },
    async importStatements(tenantId, items, version) {
      const principal: Principal = {
        tenantId,
        scopes: ['all'],
        kind: 'basic',
        credentialId: 'import',
        authority: {
          objectType: 'Agent',
          name: 'kairos import',
          account: { homePage: publicUrl, name: 'import' },
        },
      };
      return importBatch({ record: stores.record, consistency }, principal, items, version);
    },
  };
  return audited(ops, log, serverSecret);
}

/** What the audit log records of each administrative action: its name, tenant and target, no secret. */
function audited(ops: AdminOperations, log: AuditLog, secret: () => string): AdminOperations {
  const record = async <T>(
    action: string,
    tenantId: string | undefined,
    run: () => Promise<T>,
    describe: (result: T) => { target?: string; details?: Record<string, unknown> } = () => ({}),
  ): Promise<T> => {
    const result = await run();
    await log.append({ actor: currentActor(), action, tenantId: tenantId ?? '*', ...describe(result) });
    return result;
  };
  return {
    ...ops,
    createKey: (input) =>
      record(
        'key.create',
        input.tenantId,
        () => ops.createKey(input),
        (k) => ({
          target: k.key,
          details: { name: k.name, scopes: k.scopes },
        }),
      ),
    revokeKey: async (key) => {
      const tenantId = (await ops.listKeys()).find((k) => k.key === key)?.tenantId;
      return record(
        'key.revoke',
        tenantId,
        () => ops.revokeKey(key),
        () => ({ target: key }),
      );
    },
    addPlatform: (input) =>
      record(
        'platform.add',
        undefined,
        () => ops.addPlatform(input),
        (p) => ({
          target: p.issuer,
          details: { tenantId: p.tenantId },
        }),
      ),
    removePlatform: (tenantId) =>
      record(
        'platform.remove',
        tenantId,
        () => ops.removePlatform(tenantId),
        (p) => ({ target: p.issuer }),
      ),
    rotatePlatformKey: (tenantId) =>
      record(
        'platform.rotate-key',
        tenantId,
        () => ops.rotatePlatformKey(tenantId),
        (p) => ({
          target: p.issuer,
        }),
      ),
    addForwarder: (input) =>
      record(
        'forwarder.add',
        (input as { tenantId?: string })?.tenantId ?? 'default',
        () => ops.addForwarder(input),
        (f) => ({ target: f.id, details: { endpoint: f.endpoint } }),
      ),
    removeForwarder: (tenantId, id) =>
      record(
        'forwarder.remove',
        tenantId,
        () => ops.removeForwarder(tenantId, id),
        (removed) => ({
          target: id,
          details: { removed },
        }),
      ),
    importStatements: (tenantId, items, version) =>
      record(
        'import',
        tenantId,
        () => ops.importStatements(tenantId, items, version),
        (r) => ({
          details: { ...r } as Record<string, unknown>,
        }),
      ),
    importFramework: (tenantId, f) =>
      record(
        'framework.import',
        tenantId,
        () => ops.importFramework(tenantId, f),
        (n) => ({
          target: f.framework,
          details: { competencies: n },
        }),
      ),
    reproject: (tenantId, onProgress) =>
      record(
        'reproject',
        tenantId,
        () => ops.reproject(tenantId, onProgress),
        (done) => ({
          details: { statements: done.reduce((a, p) => a + p.projected, 0) },
        }),
      ),
    forget: (input, onProgress) =>
      record(
        'forget',
        input.tenantId,
        () => ops.forget(input, onProgress),
        (s) => ({
          target: `learner:${s.learner}`,
          details: { tenants: s.tenants },
        }),
      ),
    setRetention: (tenantId, months) =>
      record(
        'retention.set',
        tenantId,
        () => ops.setRetention(tenantId, months),
        () => ({ details: { months } }),
      ),
    clearRetention: (tenantId) =>
      record(
        'retention.clear',
        tenantId,
        () => ops.clearRetention(tenantId),
        (cleared) => ({ details: { cleared } }),
      ),
    runRetention: (input, onProgress) =>
      record(
        input.dryRun ? 'retention-dry-run' : 'retention',
        input.tenantId,
        () => ops.runRetention(input, onProgress),
        (s) => ({
          details: {
            tenants: s.tenants.map(({ tenantId, months, cutoff, statements, documents, attachments }) => ({
              tenantId,
              months,
              cutoff,
              statements,
              documents,
              attachments,
            })),
          },
        }),
      ),
    exportLearner: (input) =>
      record(
        'export',
        input.tenantId,
        () => ops.exportLearner(input),
        (e) => ({
          target: `learner:${learnerDigest(secret(), input.learner)}`,
          details: {
            tenants: e.tenants.map((t) => ({
              tenantId: t.tenantId,
              statements: t.statements.length,
              documents: t.documents.length,
            })),
          },
        }),
      ),
  };
}
