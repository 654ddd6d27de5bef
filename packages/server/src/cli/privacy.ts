import { writeFileSync } from 'node:fs';
import type { KairosConfig } from '../config/index.js';
import type { AuditEntry } from '../privacy/audit.js';
import type { ForgetSummary } from '../privacy/forget.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos forget`, `kairos export` and `kairos audit`. */
export const PRIVACY_USAGE = `kairos forget --learner ID [--tenant T] [--json]
  erases a learner: their statements and those about them, documents, attachments, roster rows and
  figures; course figures are recomputed. ID: account:<homePage>|<name>, mailto:<address>,
  lti:<issuer>|<user id>, or an LTI user id of the roster (docs/operations/privacy.md)
kairos export --learner ID [--tenant T] [--out FILE]
  one learner's data as JSON (right of access), to FILE or standard output
kairos audit [--tenant T] [--since ISO] [--json]
  the log of administrative actions (who, when, what, target; learners as HMACs)`;

const learnerOptions = {
  learner: { type: 'string' as const },
  tenant: { type: 'string' as const },
  json: { type: 'boolean' as const, default: false },
};

/** One line per tenant: what a forget erased. */
export function describeForget(s: ForgetSummary): string[] {
  if (s.tenants.length === 0)
    return [`nothing to erase: no data of this learner (audit target learner:${s.learner.slice(0, 16)}…)`];
  return s.tenants.map((t) => {
    const rows = Object.entries(t.analytics)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return `tenant ${t.tenantId}: ${t.statements} statements, ${t.documents} documents, ${t.attachments} attachments, ${t.gradePosts} grade posts, ${t.cacheKeys} cache keys erased; analytics rows: ${rows || 'none'}; course figures recomputed`;
  });
}

/** `kairos forget --learner ID`. */
export async function forgetCommand(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags({ args, allowPositionals: false, options: learnerOptions });
  if (!values.learner) throw usageError(`forget needs --learner ID\n${PRIVACY_USAGE}`);
  const learner = values.learner;
  const summary = await withAdmin(
    config,
    (ops) => ops.forget({ learner, tenantId: values.tenant }, (line) => io.err(`kairos: ${line}`)),
    { secret: true },
  );
  if (values.json) io.out(JSON.stringify(summary));
  else for (const line of describeForget(summary)) io.out(line);
  return 0;
}

/** `kairos export --learner ID [--out FILE]`. */
export async function exportCommand(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags({
    args,
    allowPositionals: false,
    options: { ...learnerOptions, out: { type: 'string' } },
  });
  if (!values.learner) throw usageError(`export needs --learner ID\n${PRIVACY_USAGE}`);
  const learner = values.learner;
  const data = await withAdmin(config, (ops) => ops.exportLearner({ learner, tenantId: values.tenant }), {
    secret: true,
  });
  const text = JSON.stringify(data, null, 2);
  if (values.out) {
    writeFileSync(values.out, `${text}\n`, { mode: 0o600 });
    const n = data.tenants.reduce((a, t) => a + t.statements.length, 0);
    io.err(`kairos: exported ${n} statements in ${data.tenants.length} tenants to ${values.out}`);
  } else io.out(text);
  return 0;
}

/** One line per audit entry. */
export function describeAudit(e: AuditEntry): string {
  return `${e.at}  ${e.tenantId}  ${e.action}  ${e.target ?? '-'}  by ${e.actor}${e.details ? `  ${JSON.stringify(e.details)}` : ''}`;
}

/** `kairos audit [--tenant T] [--since ISO] [--json]`. */
export async function auditCommand(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags({
    args,
    allowPositionals: false,
    options: {
      tenant: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
    throw usageError('--since takes an ISO 8601 instant, e.g. 2026-01-31T00:00:00Z');
  const since = values.since === undefined ? undefined : new Date(values.since).toISOString();
  const entries = await withAdmin(config, (ops) => ops.audit({ tenantId: values.tenant, since }));
  if (values.json) io.out(JSON.stringify(entries));
  else if (entries.length === 0) io.out('no administrative actions recorded');
  else for (const e of entries) io.out(describeAudit(e));
  return 0;
}
