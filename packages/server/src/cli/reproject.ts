import cliProgress from 'cli-progress';
import type { KairosConfig } from '../config/index.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags } from './output.js';

/** Usage of `kairos reproject`. */
export const REPROJECT_USAGE = 'kairos reproject [--tenant T] [--quiet]';

/**
 * `kairos reproject`: rebuilds the analytics of one tenant (or all) from the record store while the
 * server keeps answering with the current figures, then swaps them in at once.
 */
export async function reprojectCommand(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags({
    args,
    allowPositionals: false,
    options: { tenant: { type: 'string' }, quiet: { type: 'boolean', default: false } },
  });
  const bar = values.quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            'reprojecting {tenant} [{bar}] {percentage}% | {value}/{total} statements | {phase} | {rate}/s',
          noTTYOutput: true,
          notTTYSchedule: 2000,
        },
        cliProgress.Presets.shades_classic,
      );
  let current: string | undefined;
  const results = await withAdmin(config, (ops) =>
    ops.reproject(values.tenant, (p) => {
      if (!bar) return;
      const payload = {
        tenant: p.tenantId,
        phase: p.phase,
        rate: Math.round(p.projected / Math.max(p.seconds, 0.001)),
      };
      if (current !== p.tenantId) {
        if (current !== undefined) bar.stop();
        bar.start(p.total, p.projected, payload);
        current = p.tenantId;
      } else bar.update(p.projected, payload);
    }),
  ).finally(() => bar?.stop());
  if (results.length === 0) io.out('nothing to reproject: no tenant has statements');
  for (const r of results) {
    io.out(
      `reprojected tenant ${r.tenantId}: ${r.projected} statements in ${r.seconds.toFixed(1)} s ` +
        `(${Math.round(r.projected / Math.max(r.seconds, 0.001))}/s), generation ${r.gen} now active`,
    );
  }
  return 0;
}
