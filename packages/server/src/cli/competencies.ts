import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import cliProgress from 'cli-progress';
import { frameworkFromCase, frameworkFromCsv } from '../analytics/frameworks/import.js';
import type { KairosConfig } from '../config/index.js';
import { KairosError } from '../errors.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos competencies`. */
export const COMPETENCIES_USAGE =
  'kairos competencies import FILE.csv|FILE.json [--framework ID] [--title T] [--tenant T] [--quiet]';

const CHUNK = 500;

/**
 * `kairos competencies import FILE`: a competency framework from a 1EdTech CASE package (JSON) or a CSV
 * (code, title, type, domain, expected level). Bad lines are reported with their numbers and nothing is
 * imported; a good file is written in chunks, with a progress bar. Importing again updates in place.
 */
export async function competencies(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'import') throw usageError(`competencies needs the verb import\n${COMPETENCIES_USAGE}`);
  const { values, positionals } = parseFlags({
    args: rest,
    allowPositionals: true,
    options: {
      framework: { type: 'string' },
      title: { type: 'string' },
      tenant: { type: 'string', default: 'default' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const [file] = positionals;
  if (!file) throw usageError(`competencies import needs a FILE\n${COMPETENCIES_USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new KairosError('file_not_found', `cannot read ${file}`);
  }
  const json = extname(file).toLowerCase() === '.json' || /^\s*\{/.test(text);
  let parsed: ReturnType<typeof frameworkFromCsv>;
  if (json) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new KairosError('invalid_framework', `${file} is not JSON: ${(error as Error).message}`);
    }
    parsed = frameworkFromCase(body);
  } else {
    parsed = frameworkFromCsv(text, values.framework ?? basename(file, extname(file)), values.title);
  }
  const bar = values.quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'importing [{bar}] {value}/{total} competencies',
          noTTYOutput: true,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(parsed.competencies.length, 0);
  const written = await withAdmin(config, async (ops) => {
    let n = 0;
    for (let i = 0; i < parsed.competencies.length; i += CHUNK) {
      n += await ops.importFramework(values.tenant!, {
        ...parsed,
        competencies: parsed.competencies.slice(i, i + CHUNK),
      });
      bar?.update(Math.min(i + CHUNK, parsed.competencies.length));
    }
    return n;
  }).finally(() => bar?.stop());
  io.out(
    `imported framework ${parsed.framework} ("${parsed.title}", ${parsed.source}) into tenant ${values.tenant}: ` +
      `${written} competencies`,
  );
  return 0;
}
