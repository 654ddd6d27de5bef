import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseVersionHeader } from '@kairos/xapi';
import cliProgress from 'cli-progress';
import type { AdminOperations } from '../admin/operations.js';
import type { KairosConfig } from '../config/index.js';
import { KairosError } from '../errors.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos import`. */
export const IMPORT_USAGE =
  'kairos import FILE.ndjson [--tenant T] [--batch 500] [--xapi-version 2.0.0|1.0.3] [--quiet]';

/** Totals of an import run. */
export interface ImportSummary {
  lines: number;
  inserted: number;
  duplicates: number;
  rejected: { line: number; reason: string }[];
}

/**
 * Streams an NDJSON file (one statement per line; blank lines ignored) into the LRS in batches through the
 * same validation as POST /statements. Re-running it stores nothing twice.
 */
export async function importFile(
  ops: AdminOperations,
  file: string,
  options: {
    tenantId: string;
    batchSize: number;
    version: '1.0.3' | '2.0.0';
    onProgress?: (bytes: number, s: ImportSummary) => void;
  },
): Promise<ImportSummary> {
  const summary: ImportSummary = { lines: 0, inserted: 0, duplicates: 0, rejected: [] };
  const stream = createReadStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let batch: { line: number; item: unknown }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const r = await ops.importStatements(
      options.tenantId,
      batch.map((b) => b.item),
      options.version,
    );
    summary.inserted += r.inserted;
    summary.duplicates += r.duplicates;
    for (const x of r.rejected) summary.rejected.push({ line: batch[x.index]!.line, reason: x.reason });
    batch = [];
    options.onProgress?.(stream.bytesRead, summary);
  };
  for await (const text of lines) {
    summary.lines++;
    if (!text.trim()) continue;
    try {
      batch.push({ line: summary.lines, item: JSON.parse(text) });
    } catch (error) {
      summary.rejected.push({ line: summary.lines, reason: `not JSON: ${(error as Error).message}` });
    }
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  return summary;
}

/** `kairos import FILE`. */
export async function importCommand(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    options: {
      tenant: { type: 'string', default: 'default' },
      batch: { type: 'string', default: '500' },
      'xapi-version': { type: 'string', default: '2.0.0' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const [file] = positionals;
  if (!file) throw usageError(`import needs a FILE\n${IMPORT_USAGE}`);
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000)
    throw usageError('--batch must be 1 to 5000');
  const version = parseVersionHeader(values['xapi-version']);
  if (!version) throw usageError('--xapi-version must be 1.0.3 or 2.0.0');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new KairosError('file_not_found', `cannot read ${file}`);
  }
  const bar = values.quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format:
            'importing [{bar}] {percentage}% | {value}/{total} bytes | {inserted} new, {duplicates} already stored, {rejected} rejected',
          noTTYOutput: true,
          notTTYSchedule: 2000,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(size, 0, { inserted: 0, duplicates: 0, rejected: 0 });
  const started = Date.now();
  const summary = await withAdmin(config, (ops) =>
    importFile(ops, file, {
      tenantId: values.tenant!,
      batchSize,
      version,
      onProgress: (bytes, s) =>
        bar?.update(Math.min(bytes, size), {
          inserted: s.inserted,
          duplicates: s.duplicates,
          rejected: s.rejected.length,
        }),
    }),
  ).finally(() => bar?.stop());
  const seconds = (Date.now() - started) / 1000;
  io.out(
    `imported ${file} into tenant ${values.tenant} in ${seconds.toFixed(1)} s: ${summary.inserted} accepted, ` +
      `${summary.duplicates} already stored, ${summary.rejected.length} rejected`,
  );
  for (const r of summary.rejected.slice(0, 20)) io.out(`  line ${r.line}: ${r.reason}`);
  if (summary.rejected.length > 20) io.out(`  … and ${summary.rejected.length - 20} more`);
  return summary.rejected.length > 0 ? 1 : 0;
}
