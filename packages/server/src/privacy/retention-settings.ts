import { KairosError } from '../errors.js';
import { registeredTenantIds } from '../lti/registry.js';
import type { KeyedRecordRepository, Stores } from '../storage/types.js';
import { erasersOf } from './forget.js';

/** Keyed records of the retention settings, one per tenant (in the record store: every process sees them). */
const SETTINGS = 'retention_settings';
/** Keyed records of each tenant's last retention run (dry runs are not recorded here). */
const RUNS = 'retention_runs';

/** A tenant's retention: statements stored more than `months` calendar months ago are purged. */
export interface RetentionSetting {
  tenantId: string;
  months: number;
  /** When it was set (ISO 8601). */
  setAt: string;
}

/** What the last retention run of a tenant purged. */
export interface RetentionRun {
  tenantId: string;
  /** When it finished (ISO 8601). */
  at: string;
  /** Statements stored before this instant were purged (ISO 8601). */
  cutoff: string;
  statements: number;
  documents: number;
  attachments: number;
}

/** A tenant's setting with its last run, as `kairos retention show` lists it. */
export interface RetentionStatus extends RetentionSetting {
  lastRun?: RetentionRun;
}

/**
 * The instant `months` calendar months before `now`, in UTC: same day of the month and time of day,
 * the day clamped to the end of a shorter month (31 March minus one month is 28 or 29 February).
 *
 * @example
 * retentionCutoff(new Date('2026-03-31T10:00:00Z'), 1); // 2026-02-28T10:00:00.000Z
 */
export function retentionCutoff(now: Date, months: number): Date {
  const monthIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(year, month, Math.min(now.getUTCDate(), lastDay));
  return cutoff;
}

/** Parses `--months`: a positive whole number of months (at most 1200), or `off` (`undefined`). */
export function parseRetentionMonths(input: string | number): number | undefined {
  if (input === 'off') return undefined;
  const text = String(input).trim();
  const months = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(months) || months < 1 || months > 1200)
    throw new KairosError(
      'usage',
      `--months takes a whole number of months from 1 to 1200, or off (got "${input}"). See docs/operations/privacy.md#retention`,
      { status: 400 },
    );
  return months;
}

/** The tenants Kairos knows: with statements, analytics, API keys or a registered LMS. */
export async function knownTenants(stores: Stores): Promise<Set<string>> {
  const { analytics } = erasersOf(stores);
  return new Set([
    ...(await stores.record.statements.tenants()),
    ...(await analytics.tenants()),
    ...(await stores.record.credentials.list()).map((c) => c.tenantId),
    ...(await registeredTenantIds(stores.record.keyed)),
  ]);
}

/** A clear error (exit code 2, HTTP 404) when `tenantId` is not a tenant of these stores. */
export async function assertKnownTenant(stores: Stores, tenantId: string): Promise<void> {
  if ((await knownTenants(stores)).has(tenantId)) return;
  throw new KairosError(
    'usage',
    `unknown tenant "${tenantId}": it has no statements, analytics, API key or LMS registration here (\`kairos platform list\`, \`kairos keys list\` show the tenants)`,
    { status: 404 },
  );
}

/** The retention settings and last runs, in the record store's keyed records. */
export class RetentionSettings {
  constructor(private readonly keyed: KeyedRecordRepository) {}

  /** Sets (or changes) a tenant's retention; `months` as {@link parseRetentionMonths} takes it. */
  async set(tenantId: string, months: number): Promise<RetentionSetting> {
    const setting: RetentionSetting = {
      tenantId,
      months: parseRetentionMonths(months) as number,
      setAt: new Date().toISOString(),
    };
    await this.keyed.replace(
      SETTINGS,
      { tenantId },
      {
        collection: SETTINGS,
        fields: { tenantId },
        data: setting,
        createdAt: setting.setAt,
      },
    );
    return setting;
  }

  /** Removes a tenant's retention (its data is kept from then on); false when it had none. */
  async clear(tenantId: string): Promise<boolean> {
    return (await this.keyed.delete(SETTINGS, { tenantId })) > 0;
  }

  /** The setting of one tenant, if any. */
  async get(tenantId: string): Promise<RetentionSetting | undefined> {
    return (await this.keyed.find(SETTINGS, { tenantId }))[0]?.data as RetentionSetting | undefined;
  }

  /** Every tenant's setting with its last run, by tenant. */
  async list(): Promise<RetentionStatus[]> {
    const runs = new Map(
      (await this.keyed.find(RUNS, {})).map((r) => [
        (r.data as RetentionRun).tenantId,
        r.data as RetentionRun,
      ]),
    );
    return (await this.keyed.find(SETTINGS, {}))
      .map((r) => r.data as RetentionSetting)
      .map((s) => ({ ...s, ...(runs.has(s.tenantId) ? { lastRun: runs.get(s.tenantId) } : {}) }))
      .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  }

  /** Records what a run purged in a tenant (replacing its previous run). */
  async recordRun(run: RetentionRun): Promise<void> {
    await this.keyed.replace(
      RUNS,
      { tenantId: run.tenantId },
      {
        collection: RUNS,
        fields: { tenantId: run.tenantId },
        data: run,
        createdAt: run.at,
      },
    );
  }
}
