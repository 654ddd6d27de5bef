import type { KairosConfig } from '../config/index.js';
import type { RetentionSummary } from '../privacy/retention.js';
import { parseRetentionMonths, type RetentionStatus } from '../privacy/retention-settings.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos retention`. */
export const RETENTION_USAGE = `kairos retention set --tenant T --months N
  keep N calendar months of a tenant's data: older statements, documents and attachments are purged
  once a day by the server (--months off: keep everything)
kairos retention clear --tenant T
kairos retention show [--json]
  each tenant's retention and its last run
kairos retention run [--tenant T] [--dry-run] [--json]
  purge now (every tenant with a retention, or T); --dry-run: count what would go, delete nothing
  (docs/operations/privacy.md#retention)`;

/** One line per tenant: a setting and its last run. */
export function describeRetentionStatus(s: RetentionStatus): string {
  const last = s.lastRun
    ? `last run ${s.lastRun.at}: ${s.lastRun.statements} statements, ${s.lastRun.documents} documents, ${s.lastRun.attachments} attachments purged (stored before ${s.lastRun.cutoff})`
    : 'not run yet';
  return `tenant ${s.tenantId}: keep ${s.months} months (set ${s.setAt}); ${last}`;
}

/** One line per tenant: what a run purged, or a dry run would purge. */
export function describeRetentionRun(s: RetentionSummary): string[] {
  if (s.tenants.length === 0) return ['no tenant has a retention: nothing to purge (kairos retention set)'];
  return s.tenants.map((t) =>
    s.dryRun
      ? `tenant ${t.tenantId} (keep ${t.months} months, stored before ${t.cutoff}): would purge ${t.statements} statements, ${t.documents} documents (dry run: nothing deleted)`
      : `tenant ${t.tenantId} (keep ${t.months} months, stored before ${t.cutoff}): purged ${t.statements} statements, ${t.documents} documents, ${t.attachments} attachments, ${t.cacheKeys} cache keys${t.reprojected ? '; course figures recomputed' : ''}`,
  );
}

/** `kairos retention set|clear|show|run`. */
export async function retentionCommand(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseFlags({
    args: rest,
    allowPositionals: false,
    options: {
      tenant: { type: 'string' },
      months: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const tenant = () => {
    if (!values.tenant) throw usageError(`retention ${sub} needs --tenant T\n${RETENTION_USAGE}`);
    return values.tenant;
  };
  const progress = (line: string) => io.err(`kairos: ${line}`);
  switch (sub) {
    case 'set': {
      const tenantId = tenant();
      if (values.months === undefined) throw usageError(`retention set needs --months N\n${RETENTION_USAGE}`);
      const months = parseRetentionMonths(values.months);
      if (months === undefined) {
        const cleared = await withAdmin(config, (ops) => ops.clearRetention(tenantId));
        io.out(describeClear(tenantId, cleared));
        return 0;
      }
      const setting = await withAdmin(config, (ops) => ops.setRetention(tenantId, months));
      io.out(
        values.json
          ? JSON.stringify(setting)
          : `tenant ${tenantId}: statements stored more than ${months} months ago are purged once a day (preview: kairos retention run --tenant ${tenantId} --dry-run)`,
      );
      return 0;
    }
    case 'clear': {
      const tenantId = tenant();
      const cleared = await withAdmin(config, (ops) => ops.clearRetention(tenantId));
      io.out(values.json ? JSON.stringify({ tenantId, cleared }) : describeClear(tenantId, cleared));
      return 0;
    }
    case 'show': {
      const list = await withAdmin(config, (ops) => ops.retentionStatus());
      if (values.json) io.out(JSON.stringify(list));
      else if (list.length === 0) io.out('no tenant has a retention: every tenant keeps all its data');
      else for (const s of list) io.out(describeRetentionStatus(s));
      return 0;
    }
    case 'run': {
      const summary = await withAdmin(config, (ops) =>
        ops.runRetention({ tenantId: values.tenant, dryRun: values['dry-run'] }, progress),
      );
      if (values.json) io.out(JSON.stringify(summary));
      else for (const line of describeRetentionRun(summary)) io.out(line);
      return 0;
    }
    default:
      throw usageError(
        `${sub === undefined ? 'retention needs a subcommand' : `unknown retention subcommand "${sub}"`}\n${RETENTION_USAGE}`,
      );
  }
}

const describeClear = (tenantId: string, cleared: boolean) =>
  cleared
    ? `tenant ${tenantId}: retention removed, its data is kept`
    : `tenant ${tenantId} had no retention: its data is kept`;
