import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { COMPETENCIES_USAGE } from '../../packages/server/src/cli/competencies.js';
import { DEMO_USAGE } from '../../packages/server/src/cli/demo.js';
import { IMPORT_USAGE } from '../../packages/server/src/cli/import.js';
import { KEYS_USAGE } from '../../packages/server/src/cli/keys.js';
import { PLATFORM_USAGE } from '../../packages/server/src/cli/platform.js';
import { REPROJECT_USAGE } from '../../packages/server/src/cli/reproject.js';
import { flagToEnv, loadConfig } from '../../packages/server/src/config/index.js';

// docs/operations/configuration.md lists every environment variable the server reads and every flag its
// commands take: a variable added to the configuration schema (or read through process.env anywhere in
// packages/server/src), or a flag added to a command's usage, fails here until the page lists it.
const root = fileURLToPath(new URL('../..', import.meta.url));
const page = readFileSync(join(root, 'docs/operations/configuration.md'), 'utf8');
const listed = (name: string) => page.includes(`\`${name}\``);

/** The variables `loadConfig` reads: every key it asks the environment for. */
function variablesOfConfig(): string[] {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_t, key) => {
      if (typeof key === 'string') read.add(key);
      return undefined;
    },
  });
  loadConfig(env);
  return [...read];
}

/** `process.env.X` and `process.env['X']` outside tests, across the server's sources. */
function variablesOfSources(dir = join(root, 'packages/server/src')): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...variablesOfSources(path));
    else if (e.name.endsWith('.ts') && !/\.(test|contract)\.ts$/.test(e.name)) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[['"]([A-Z_][A-Z0-9_]*)['"]\])/g))
        out.push(m[1] ?? m[2]!);
    }
  }
  return out;
}

it('lists every environment variable the server reads', () => {
  const variables = new Set([...variablesOfConfig(), ...variablesOfSources()]);
  expect(variables.size).toBeGreaterThan(10);
  expect([...variables].filter((v) => !listed(v))).toEqual([]);
});

it('lists no variable the server does not read', () => {
  const variables = new Set([...variablesOfConfig(), ...variablesOfSources()]);
  const table = [...page.matchAll(/^\| `([A-Z_][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!);
  expect(table.length).toBeGreaterThan(10);
  expect(table.filter((v) => !variables.has(v))).toEqual([]);
});

it('lists every flag of every command', () => {
  const usages = [
    ...Object.keys(flagToEnv).map((f) => `--${f}`),
    ...[KEYS_USAGE, PLATFORM_USAGE, IMPORT_USAGE, COMPETENCIES_USAGE, REPROJECT_USAGE, DEMO_USAGE].flatMap(
      (u) => [...u.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]),
    ),
  ];
  expect([...new Set(usages)].filter((flag) => !page.includes(flag))).toEqual([]);
});
