// `npm run docs:api`: renders docs/api.md from the OpenAPI document a real server serves at
// /api/v1/openapi.json (the built `kairos serve`, on a temporary data directory; stale packages are built
// first). `--check` writes nothing, builds nothing, and exits 1 when docs/api.md differs from what the
// current build serves (test/docs/api-reference.test.ts runs it); `--from URL` reads the document of a
// server already running instead of starting one.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './ensure-built.mjs';

/** A JSON Schema as zod's `toJSONSchema` writes it (the parts the reference shows). */
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Content {
  [type: string]: { schema?: Schema };
}

interface Operation {
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { required?: boolean; content: Content };
  responses: Record<string, { description: string; content?: Content }>;
}

/** The OpenAPI 3.1 document of `/api/v1` (packages/server/src/analytics/api/openapi.ts). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  components?: {
    securitySchemes?: Record<string, { scheme?: string; description?: string }>;
    schemas?: Record<string, Schema>;
  };
  paths: Record<string, Record<string, Operation>>;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'docs', 'api.md');
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
// zod writes these bounds on every integer: they say nothing to a reader
const SAFE = 9_007_199_254_740_991;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string) => `\`${text}\``;
const refName = (ref: string) => ref.split('/').pop()!;

/** GitHub's anchor of a heading. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const isObject = (s: Schema) => s.type === 'object' || s.properties !== undefined;
const isScalar = (s: Schema) =>
  !isObject(s) && s.type !== 'array' && !s.anyOf && !s.oneOf && s.items === undefined;

/** The bounds and format of a schema, in words (`1–100`, `≥ 0`, `date-time`, `default 1`). */
function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (s.format) out.push(s.format);
  const min = s.minimum !== undefined && s.minimum > -SAFE ? s.minimum : undefined;
  const max = s.maximum !== undefined && s.maximum < SAFE ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) out.push(`${min}–${max}`);
  else if (min !== undefined) out.push(`≥ ${min}`);
  else if (max !== undefined) out.push(`≤ ${max}`);
  if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
  if (s.exclusiveMaximum !== undefined) out.push(`< ${s.exclusiveMaximum}`);
  if (s.minLength !== undefined && s.minLength > 1) out.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out;
}

/** A short type: `string`, `"a" | "b"`, `{ value, low, high: number }`, `string[]`, `Error`. */
function typeOf(s: Schema): string {
  if (s.$ref) return refName(s.$ref);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeOf).join(' | ');
  if (s.type === 'array') return s.items ? `${wrap(typeOf(s.items))}[]` : 'array';
  if (isObject(s)) {
    if (s.properties) {
      const entries = Object.entries(s.properties);
      if (entries.length === 0) return '{}';
      if (inlineable(s)) {
        const types = new Set(entries.map(([, p]) => typeOf(p)));
        const names = entries.map(([k]) => (s.required?.includes(k) ? k : `${k}?`));
        if (types.size === 1) return `{ ${names.join(', ')}: ${[...types][0]} }`;
        return `{ ${entries.map(([, p], i) => `${names[i]}: ${typeOf(p)}`).join(', ')} }`;
      }
      return 'object';
    }
    const extra = s.additionalProperties;
    if (extra && typeof extra === 'object' && Object.keys(extra).length > 0)
      return `{ [string]: ${typeOf(extra)} }`;
    return 'object';
  }
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? 'any';
}

/** The type with its bounds and format: `integer (60–86400)`, `string (date-time)`. */
function typed(s: Schema): string {
  const c = constraints(s);
  return c.length ? `${typeOf(s)} (${c.join(', ')})` : typeOf(s);
}

const wrap = (t: string) => (t.includes(' | ') ? `(${t})` : t);

/** Small all-scalar objects without descriptions read better inline than as rows of their own. */
function inlineable(s: Schema): boolean {
  const entries = Object.entries(s.properties ?? {});
  return (
    entries.length > 0 &&
    entries.length <= 4 &&
    entries.every(([, p]) => isScalar(p) && !p.description && constraints(p).length === 0)
  );
}

/** The object a row's children come from: the object itself, its array's items, a nullable object. */
function childrenOf(s: Schema): { schema: Schema; suffix: string } | undefined {
  if (isObject(s) && s.properties && !inlineable(s)) return { schema: s, suffix: '' };
  if (s.type === 'array' && s.items) {
    const inner = childrenOf(s.items);
    return inner ? { schema: inner.schema, suffix: `[]${inner.suffix}` } : undefined;
  }
  const union = (s.anyOf ?? s.oneOf)?.filter((u) => u.type !== 'null');
  if (union?.length === 1) return childrenOf(union[0]!);
  return undefined;
}

interface Row {
  field: string;
  type: string;
  description: string;
}

/** One row per field, nested fields as `a.b`, array items as `a[].b`. */
function rows(s: Schema, prefix = ''): Row[] {
  const out: Row[] = [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    const optional = !s.required?.includes(name);
    const field = `${prefix}${name}${optional ? '?' : ''}`;
    out.push({ field, type: typed(p), description: p.description ?? '' });
    const child = childrenOf(p);
    if (child && child.schema !== s) out.push(...rows(child.schema, `${prefix}${name}${child.suffix}.`));
  }
  return out;
}

function fieldTable(s: Schema): string[] {
  if (s.$ref) return [`${code(refName(s.$ref))} (below).`];
  const top = childrenOf(s);
  if (!top) return [`${code(typed(s))}${s.description ? `: ${s.description}` : ''}`];
  const prefix = top.suffix ? `${top.suffix}.` : '';
  const table = rows(top.schema, prefix);
  if (table.length === 0) return ['An empty object.'];
  return [
    ...(top.suffix ? ['An array of:', ''] : []),
    '| field | type | description |',
    '|---|---|---|',
    ...table.map((r) => `| ${code(r.field)} | ${cell(r.type)} | ${cell(r.description)} |`),
  ];
}

/** What a body or response may be, one content type after the other. */
function contentLines(content: Content | undefined, request: boolean): string[] {
  if (!content) return ['No body.'];
  const out: string[] = [];
  for (const [type, { schema }] of Object.entries(content)) {
    if (type === 'text/csv') {
      out.push(
        request
          ? `- ${code(type)}: CSV text.`
          : `- ${code(type)}: the same rows as CSV (\`Accept: text/csv\`).`,
      );
      continue;
    }
    const empty = !schema || Object.keys(schema).filter((k) => k !== '$schema').length === 0;
    if (empty) {
      out.push(`- ${code(type)}: any JSON (checked by the route itself).`);
      continue;
    }
    out.push(`- ${code(type)}:`, '', ...fieldTable(schema!).map((l) => (l ? `  ${l}` : l)), '');
  }
  return out;
}

const isErrorResponse = (r: { content?: Content }) =>
  Object.values(r.content ?? {}).some((c) => c.schema?.$ref?.endsWith('/Error'));

/** `Authorization: Basic` or `Bearer`, by the names of the document's security schemes. */
const schemeName = (doc: OpenApiDocument, name: string) => {
  const scheme = doc.components?.securitySchemes?.[name]?.scheme;
  return scheme ? scheme[0]!.toUpperCase() + scheme.slice(1) : name;
};

function credentials(op: Operation, doc: OpenApiDocument): string {
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s)).map((n) => schemeName(doc, n));
  return schemes.length ? schemes.join(' or ') : 'none';
}

function operation(method: string, path: string, op: Operation, doc: OpenApiDocument): string[] {
  const out = [`### ${method.toUpperCase()} ${path}`, ''];
  if (op.summary) out.push(`${op.summary}.`.replace(/\.\.$/, '.'), '');
  const description = (op.description ?? '').split(/\n\n+/).filter(Boolean);
  for (const para of description) out.push(para, '');
  out.push(`Credentials: ${credentials(op, doc)}.`, '');
  const params = op.parameters ?? [];
  if (params.length > 0) {
    out.push('| parameter | in | type | required | description |', '|---|---|---|---|---|');
    for (const p of params) {
      const s = p.schema ?? {};
      const words = p.description ?? s.description ?? '';
      out.push(
        `| ${code(p.name)} | ${p.in} | ${cell(typed(s))} | ${p.required ? 'yes' : ''} | ${cell(words)} |`,
      );
    }
    out.push('');
  }
  if (op.requestBody) {
    out.push(`**Body**${op.requestBody.required ? ' (required)' : ''}:`, '');
    out.push(...contentLines(op.requestBody.content, true), '');
  }
  const errors: string[] = [];
  for (const [status, r] of Object.entries(op.responses)) {
    if (isErrorResponse(r)) {
      errors.push(status);
      continue;
    }
    const said = r.description === op.summary ? '' : ` ${r.description}`;
    out.push(`**${status}**${said}:`, '', ...contentLines(r.content, false), '');
  }
  if (errors.length) out.push(`Errors: ${errors.join(', ')} ([Error](#errors)).`, '');
  return out;
}

/**
 * Renders the reference page from the OpenAPI document: every path and method with its parameters, who
 * may call it, its body and its responses, their schemas summarised as field tables.
 */
export function renderApiReference(doc: OpenApiDocument): string {
  const ops: [string, string, Operation][] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of METHODS) if (item[method]) ops.push([method, path, item[method]!]);
  const errorSchema = doc.components?.schemas?.Error;
  const errorStatuses = new Map<string, string>();
  for (const [, , op] of ops)
    for (const [status, r] of Object.entries(op.responses))
      if (isErrorResponse(r) && !errorStatuses.has(status)) errorStatuses.set(status, r.description);
  const lines = [
    '<!-- Generated by `npm run docs:api` from the OpenAPI document the server serves at /api/v1/openapi.json',
    '     (packages/server/src/analytics/api/openapi.ts). Do not edit: change the routes, then run it again. -->',
    '',
    `# ${doc.info.title} reference (\`/api/v1\`)`,
    '',
    `OpenAPI ${doc.openapi}, version ${doc.info.version}. ${doc.info.description ?? ''}`.trim(),
    '',
    'Every path below is under `<KAIROS_PUBLIC_URL>/api/v1`; a running server serves this document as',
    '`GET /api/v1/openapi.json` (no credentials). The definitions behind the figures, who sees what, the',
    'cache and the live feed are in [analytics.md](analytics.md#the-api-apiv1); tokens and scopes in',
    '[lrs.md](lrs.md#authentication). A field marked `?` may be absent.',
    '',
    '| method | path | what |',
    '|---|---|---|',
    ...ops.map(
      ([method, path, op]) =>
        `| ${method.toUpperCase()} | [${code(path)}](#${slug(`${method} ${path}`)}) | ${cell(op.summary ?? '')} |`,
    ),
    '',
    '## Credentials',
    '',
    'Each operation names the `Authorization` it takes and, under *Who may call it*, the scope',
    '(`analytics/read`, `analytics/write`) and the kind of credential it needs:',
    '',
    '| `Authorization` | what |',
    '|---|---|',
    ...Object.entries(doc.components?.securitySchemes ?? {}).map(
      ([name, scheme]) => `| ${code(schemeName(doc, name))} | ${cell(scheme.description ?? '')} |`,
    ),
    '',
    '## Errors',
    '',
    'Every error is JSON of the `Error` schema, with its status:',
    '',
    ...(errorSchema ? fieldTable(errorSchema) : []),
    '',
    '| status | when |',
    '|---|---|',
    ...[...errorStatuses].map(([status, when]) => `| ${status} | ${cell(when)} |`),
    '',
    '## Operations',
    '',
  ];
  for (const [method, path, op] of ops) lines.push(...operation(method, path, op, doc));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** Starts the built `kairos serve` on a temporary data directory and a free port, for its document. */
async function documentFromNewServer(): Promise<OpenApiDocument> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-docs-api-'));
  const bin = join(root, 'packages', 'server', 'bin', 'kairos.js');
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      KAIROS_DATA_DIR: dataDir,
      KAIROS_DEMO: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      MONGODB_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(new Error(`kairos serve not ready in 60 s:\n${stderr}`)), 60_000);
      child.stderr!.on('data', (d) => {
        stderr += d;
        const m = /Kairos is ready on (http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (c) => reject(new Error(`kairos serve exited with ${c}:\n${stderr}`)));
    });
    return await documentFrom(url);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function documentFrom(url: string): Promise<OpenApiDocument> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/api/v1/openapi.json`);
  if (!res.ok) throw new Error(`GET ${url}/api/v1/openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, from: { type: 'string' } },
  });
  // --check runs in the test suite beside tests using the built CLI: it never rebuilds under them
  // (`npm test` builds first); writing the page builds what is stale
  if (!values.from && !values.check) await ensureBuilt();
  const doc = values.from ? await documentFrom(values.from) : await documentFromNewServer();
  const text = renderApiReference(doc);
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (values.check) {
    if (current === text) {
      console.log('docs/api.md is up to date');
      return 0;
    }
    console.error(
      'docs/api.md is out of date with /api/v1/openapi.json: run `npm run docs:api` and commit it',
    );
    return 1;
  }
  writeFileSync(target, text);
  console.log(current === text ? 'docs/api.md unchanged' : 'docs/api.md written');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`docs:api: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
