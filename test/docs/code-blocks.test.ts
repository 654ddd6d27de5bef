import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseQuizDefinition } from '@kairos/elements/quiz-definition.js';
import { statementIssues } from '@kairos/xapi';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../packages/server/src/config/index.js';
import {
  type KairosProcess,
  kairosBin,
  runKairos,
  startKairos,
  tempDataDir,
} from '../support/kairos-process.js';
import { type CodeBlock, codeBlocks, shellCommands, shellWords } from './markdown.js';

// The docs' code blocks, run or checked so the docs do not rot (issue 11, "docs/"):
// - `sh` blocks: every command must be `kairos …`, `npx kairos …` or `curl …`, and is run against a real
//   `kairos serve` (embedded store, temporary data directory, demo mode on) with `http://localhost:3000`
//   (and `https://kairos.example.edu`) replaced by its URL, `KEY:SECRET` by the key the page's own
//   `kairos keys create` printed (else a key of this test with `all`), and a lone `KEY` by that key's id.
//   Each must exit 0; curl gets `--fail-with-body`, so an HTTP answer outside 2xx fails it.
// - `json`: parses; xAPI statements pass @kairos/xapi's validator and the LRS stores them; a quiz passes
//   parseQuizDefinition; a token request mints a token.
// - `js`/`ts`: parse with esbuild, and their @kairos/* imports name a subpath and exports that exist.
// - `html`: inline scripts parse, `<kairos-*>` tags and attributes exist in the elements' manifest, and
//   Kairos URLs of `src`/`href` are served.
// - `env`: every variable is one the configuration reads, and it accepts the values.
// - `text` (or no language): output and diagrams, not code.
// Anything else, or a block these rules cannot run, needs `<!-- not-checked: reason -->` before its fence.

const root = fileURLToPath(new URL('../..', import.meta.url));
const LOCAL = /https?:\/\/(?:localhost:3000|kairos\.example\.edu)/g;
const SHELL = new Set(['sh', 'bash', 'shell']);
const SCRIPT = new Set(['js', 'javascript', 'mjs', 'ts', 'typescript']);
const TEXT = new Set(['', 'text', 'txt', 'console', 'output']);

function pages(): string[] {
  const out = ['README.md'];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  return out.sort((a, b) => (a === 'README.md' ? -1 : b === 'README.md' ? 1 : a.localeCompare(b)));
}

interface Tally {
  run: number;
  notChecked: string[];
  text: number;
  failed: number;
}
const tallies = new Map<string, Tally>();

let kairos: KairosProcess;
let dataDir: string;
let workDir: string;
let shims: string;
let adminKey: { key: string; secret: string };

const where = (b: CodeBlock) => `${b.page}:${b.line}`;
const basic = (k: { key: string; secret: string }) =>
  `Basic ${Buffer.from(`${k.key}:${k.secret}`).toString('base64')}`;

beforeAll(async () => {
  dataDir = tempDataDir();
  workDir = mkdtempSync(join(tmpdir(), 'kairos-docs-cwd-'));
  // `kairos` and `npx kairos` are the built CLI, on the test server's data directory
  shims = mkdtempSync(join(tmpdir(), 'kairos-docs-bin-'));
  const kairosShim = join(shims, 'kairos');
  writeFileSync(kairosShim, `#!/bin/sh\nexec "${process.execPath}" "${kairosBin}" "$@"\n`);
  const npxShim = join(shims, 'npx');
  writeFileSync(
    npxShim,
    `#!/bin/sh\nif [ "$1" = kairos ]; then shift; exec "${kairosShim}" "$@"; fi\necho "docs test: npx $1 is not run" >&2; exit 127\n`,
  );
  chmodSync(kairosShim, 0o755);
  chmodSync(npxShim, 0o755);
  kairos = await startKairos({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO: '1' });
  const created = await runKairos(['keys', 'create', '--name', 'docs-test', '--scopes', 'all', '--json'], {
    KAIROS_DATA_DIR: dataDir,
  });
  expect(created.code, created.stderr).toBe(0);
  adminKey = JSON.parse(created.stdout);
}, 90_000);

afterAll(async () => {
  await kairos?.stop();
  for (const dir of [dataDir, workDir, shims]) if (dir) rmSync(dir, { recursive: true, force: true });
  const rows = [...tallies];
  const width = Math.max(...rows.map(([p]) => p.length), 5);
  const row = (page: string, t: Tally) =>
    `  ${page.padEnd(width)}  ${[t.run, t.notChecked.length, t.text, t.failed].map((n, i) => String(n).padStart([3, 11, 4, 6][i]!)).join('  ')}`;
  const sum = (f: (t: Tally) => number) => rows.reduce((n, [, t]) => n + f(t), 0);
  const lines = [
    `docs code blocks (run: checked and passed; text: output and diagrams)`,
    `  ${'page'.padEnd(width)}  run  not-checked  text  failed`,
    ...rows.map(([p, t]) => row(p, t)),
    row('total', {
      run: sum((t) => t.run),
      notChecked: rows.flatMap(([, t]) => t.notChecked),
      text: sum((t) => t.text),
      failed: sum((t) => t.failed),
    }),
    'not checked:',
    ...rows.flatMap(([, t]) => t.notChecked.map((r) => `  ${r}`)),
  ];
  console.log(lines.join('\n'));
});

/** Runs one command in bash; resolves with its exit code and output. */
function bash(command: string, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], {
      cwd: workDir,
      env: {
        ...process.env,
        PATH: `${shims}:${process.env.PATH}`,
        KAIROS_DATA_DIR: dataDir,
        DATABASE_URL: '',
        MONGODB_URL: '',
        REDIS_URL: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** What a page's shell blocks share: the key its own `kairos keys create` printed. */
interface PageState {
  key?: { key: string; secret: string };
}

async function checkShell(b: CodeBlock, state: PageState): Promise<void> {
  for (const command of shellCommands(b.code)) {
    const words = shellWords(command);
    expect(
      words,
      `${where(b)}: \`${command}\` uses shell syntax this test does not run (pipes, lists, redirections, $…); split it or mark the block <!-- not-checked: reason -->`,
    ).toBeDefined();
    const [first, second, third] = words!.filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
    const program = first === 'npx' ? `npx ${second}` : first;
    const subcommand = first === 'npx' ? third : second;
    expect(
      ['kairos', 'npx kairos', 'curl'],
      `${where(b)}: \`${command}\` runs ${program}, which this test cannot run: mark the block <!-- not-checked: reason -->`,
    ).toContain(program);
    if (program !== 'curl')
      expect(subcommand, `${where(b)}: \`kairos serve\` does not end: mark the block not-checked`).not.toBe(
        'serve',
      );
    const key = state.key ?? adminKey;
    let line = command
      .replace(LOCAL, kairos.url)
      .replace(/\bKEY:SECRET\b/g, `${key.key}:${key.secret}`)
      .replace(/\bKEY\b(?!:)/g, key.key);
    const isCurl = program === 'curl';
    if (isCurl) line = line.replace(/\bcurl\b/, 'curl --fail-with-body -sS --max-time 30');
    // the projection trails writes by about a second: a read of the analytics may wait for it
    const retries = isCurl && /\/api\/v1\//.test(line) && !/\s(-d|--data\S*|-X|-T|-F)\s/.test(line) ? 20 : 0;
    let result = await bash(line);
    for (let i = 0; i < retries && result.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      result = await bash(line);
    }
    expect(result.code, `${where(b)}: \`${command}\` failed:\n${result.out}`).toBe(0);
    // later commands of the page use the key this one created
    if (program !== 'curl' && subcommand === 'keys' && words!.includes('create')) {
      const json = /^\{.*\}$/m.exec(result.out)?.[0];
      const key = json
        ? (JSON.parse(json) as { key: string; secret: string })
        : {
            key: /^\s*key\s+(\S+)/m.exec(result.out)?.[1] ?? '',
            secret: /^\s*secret\s+(\S+)/m.exec(result.out)?.[1] ?? '',
          };
      expect(key.key && key.secret, `${where(b)}: no key in the output of \`${command}\``).toBeTruthy();
      state.key = key;
    }
  }
}

const isStatement = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && 'actor' in v && 'verb' in v && 'object' in v;

async function checkJson(b: CodeBlock): Promise<void> {
  let value: unknown;
  try {
    value = JSON.parse(b.code);
  } catch (error) {
    expect.fail(`${where(b)}: not JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length > 0 && list.every(isStatement)) {
    const issues = list.flatMap((s, i) =>
      statementIssues(s, { version: '2.0.0', path: Array.isArray(value) ? `statement[${i}]` : 'statement' }),
    );
    expect(
      issues.map((i) => i.message),
      `${where(b)}: invalid xAPI statement`,
    ).toEqual([]);
    const res = await fetch(`${kairos.url}/xapi/statements`, {
      method: 'POST',
      headers: {
        authorization: basic(adminKey),
        'x-experience-api-version': '2.0.0',
        'content-type': 'application/json',
      },
      body: b.code,
    });
    expect(res.status, `${where(b)}: the LRS refused it: ${await res.text()}`).toBe(200);
    return;
  }
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.questions)) {
    expect(() => parseQuizDefinition(value), `${where(b)}: not a valid quiz`).not.toThrow();
    return;
  }
  if (object.role === 'learner' || object.role === 'instructor') {
    const res = await fetch(`${kairos.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: basic(adminKey), 'content-type': 'application/json' },
      body: b.code,
    });
    expect(res.status, `${where(b)}: POST /api/v1/tokens refused it: ${await res.text()}`).toBe(201);
  }
}

/** The names `d.ts` of a package subpath exports (`export { a, b }`, `export declare function c`…). */
function exportedNames(pkg: string, subpath: string): { found: boolean; names: Set<string> } {
  const dir = join(root, 'packages', pkg.replace('@kairos/', ''));
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, { types?: string }>;
  };
  const entry = manifest.exports[subpath];
  if (!entry) return { found: false, names: new Set() };
  const names = new Set<string>();
  if (entry.types) {
    const dts = readFileSync(join(dir, entry.types), 'utf8');
    for (const m of dts.matchAll(/export\s*(?:type\s*)?\{([^}]*)\}/g))
      for (const part of m[1]!.split(','))
        names.add(
          part
            .trim()
            .split(/\s+as\s+/)
            .pop()!
            .replace(/^type\s+/, ''),
        );
    for (const m of dts.matchAll(
      /export\s+(?:declare\s+)?(?:abstract\s+)?(?:function|class|const|let|interface|type|enum)\s+(\w+)/g,
    ))
      names.add(m[1]!);
  }
  return { found: true, names };
}

async function checkScript(b: CodeBlock, code = b.code, lang = b.lang): Promise<void> {
  const loader = lang === 'ts' || lang === 'typescript' ? 'ts' : 'js';
  try {
    await transform(code, { loader, format: 'esm', target: 'es2022' });
  } catch (error) {
    expect.fail(`${where(b)}: does not parse: ${(error as Error).message}`);
  }
  const imports = /import\s+(?:(?:type\s+)?\{([^}]*)\}\s*from\s*)?['"](@kairos\/[\w-]+)((?:\/[\w.-]+)*)['"]/g;
  for (const m of code.matchAll(imports)) {
    const [, named, pkg, sub] = m;
    const { found, names } = exportedNames(pkg!, sub ? `.${sub}` : '.');
    expect(found, `${where(b)}: ${pkg}${sub} is not an export of ${pkg}`).toBe(true);
    for (const name of (named ?? '').split(',').map((n) =>
      n
        .trim()
        .split(/\s+as\s+/)[0]!
        .replace(/^type\s+/, ''),
    ))
      if (name) expect(names.has(name), `${where(b)}: ${pkg}${sub} exports no ${name}`).toBe(true);
  }
}

let manifest: Map<string, Set<string>> | undefined;
const GLOBAL_ATTRIBUTES =
  /^(id|class|style|slot|part|lang|dir|hidden|title|role|tabindex|inert|aria-.+|data-.+)$/;

/** The tags of the elements' custom-elements manifest and their attributes. */
function elementsManifest(): Map<string, Set<string>> {
  if (manifest) return manifest;
  const cem = JSON.parse(readFileSync(join(root, 'packages/elements/dist/custom-elements.json'), 'utf8')) as {
    modules: { declarations?: { tagName?: string; attributes?: { name: string }[] }[] }[];
  };
  manifest = new Map();
  for (const m of cem.modules)
    for (const d of m.declarations ?? [])
      if (d.tagName) manifest.set(d.tagName, new Set((d.attributes ?? []).map((a) => a.name)));
  return manifest;
}

async function checkHtml(b: CodeBlock): Promise<void> {
  for (const m of b.code.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const [, attrs = '', body = ''] = m;
    const type = /\btype="([^"]+)"/.exec(attrs)?.[1];
    if (type === 'application/json') {
      try {
        JSON.parse(body);
      } catch (error) {
        expect.fail(`${where(b)}: the JSON script does not parse: ${(error as Error).message}`);
      }
    } else if (body.trim()) await checkScript(b, body, 'js');
  }
  const elements = elementsManifest();
  for (const m of b.code.matchAll(
    /<(kairos-[\w-]+)((?:\s+[\w:-]+(?:=(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g,
  )) {
    const [, tag, attrs = ''] = m;
    const known = elements.get(tag!);
    expect(known, `${where(b)}: <${tag}> is not an element of @kairos/elements`).toBeDefined();
    for (const a of attrs.matchAll(/([\w:-]+)(?:=(?:"[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      const name = a[1]!;
      if (GLOBAL_ATTRIBUTES.test(name)) continue;
      expect(known!.has(name), `${where(b)}: <${tag}> has no attribute ${name}`).toBe(true);
    }
  }
  for (const m of b.code.matchAll(
    /\b(?:src|href)="(https?:\/\/(?:localhost:3000|kairos\.example(?:\.edu)?)(\/[^"]*))"/g,
  )) {
    const res = await fetch(`${kairos.url}${m[2]}`);
    expect(res.status, `${where(b)}: ${m[1]} is not served`).toBe(200);
    await res.arrayBuffer();
  }
}

/** An environment file: every variable is one Kairos reads, and the configuration accepts the values. */
function checkEnv(b: CodeBlock): void {
  const env: Record<string, string> = {};
  const read = new Set<string>();
  for (const line of b.code.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    expect(m, `${where(b)}: not a VARIABLE=value line: ${line}`).not.toBeNull();
    env[m![1]!] = m![2]!;
  }
  const tracked = new Proxy(env, {
    get: (t, key) => {
      if (typeof key === 'string') read.add(key);
      return t[key as string];
    },
  });
  expect(() => loadConfig(tracked), `${where(b)}: the configuration refuses it`).not.toThrow();
  expect(
    Object.keys(env).filter((k) => !read.has(k)),
    `${where(b)}: variables Kairos does not read`,
  ).toEqual([]);
}

async function checkCss(b: CodeBlock): Promise<void> {
  try {
    await transform(b.code, { loader: 'css' });
  } catch (error) {
    expect.fail(`${where(b)}: the CSS does not parse: ${(error as Error).message}`);
  }
}

const looksLikeCommand = (code: string) => /^\s*(\$ |kairos |npx |curl |npm )/.test(code);

describe.each(pages())('%s', (page) => {
  it('runs or checks every code block, or says why not', { timeout: 60_000 }, async () => {
    const tally: Tally = { run: 0, notChecked: [], text: 0, failed: 0 };
    tallies.set(page, tally);
    const state: PageState = {};
    const failures: string[] = [];
    for (const b of codeBlocks(page, readFileSync(join(root, page), 'utf8'))) {
      if (b.notChecked !== undefined) {
        expect(b.notChecked, `${where(b)}: say why the block is not checked`).not.toBe('');
        tally.notChecked.push(`${where(b)} (${b.lang || 'no language'}): ${b.notChecked}`);
        continue;
      }
      if (TEXT.has(b.lang)) {
        if (b.lang === '' && looksLikeCommand(b.code))
          failures.push(
            `${where(b)}: a command in a block without a language: write \`\`\`sh (checked), \`\`\`text, or mark it not-checked`,
          );
        else tally.text++;
        continue;
      }
      // every block is checked, and every failure of the page reported at once
      try {
        if (SHELL.has(b.lang)) await checkShell(b, state);
        else if (b.lang === 'json') await checkJson(b);
        else if (SCRIPT.has(b.lang)) await checkScript(b);
        else if (b.lang === 'html') await checkHtml(b);
        else if (b.lang === 'css') await checkCss(b);
        else if (b.lang === 'env' || b.lang === 'dotenv') checkEnv(b);
        else
          expect.fail(
            `${where(b)}: nothing checks \`\`\`${b.lang} blocks: mark it <!-- not-checked: reason -->`,
          );
        tally.run++;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    tally.failed = failures.length;
    expect(failures).toEqual([]);
  });
});
