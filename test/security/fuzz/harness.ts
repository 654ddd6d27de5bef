import { Agent, request } from 'node:http';

/** One request as the fuzzer sends it: the path is sent byte for byte (bad percent-encoding included). */
export interface FuzzRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** An answer, body read in full (an event stream is cut after its headers). */
export interface FuzzResponse {
  status: number;
  type: string;
  body: string;
}

/** What the fuzzer found wrong with one answer. */
export interface Finding {
  area: string;
  /** The template the request was mutated from. */
  template: string;
  seed: number;
  problem: string;
  request: FuzzRequest;
  response?: FuzzResponse;
}

/** Figures of one area. */
export interface AreaFigures {
  requests: number;
  serverErrors: number;
  /** 502s that pass on another server's failure (the LMS a registration URL names), by design. */
  upstream: number;
  /** Answers by status. */
  statuses: Record<number, number>;
}

/** How error bodies look in an area: JSON `{code, message}`, or (LTI pages) HTML naming the error code. */
export type ErrorShape = 'json' | 'json-or-page';

const TIMEOUT_MS = 20_000;
const short = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

/** Why an error answer does not have the Kairos error shape, if it does not. */
export function shapeProblem(res: FuzzResponse, shape: ErrorShape, method: string): string | undefined {
  if (res.status < 400 || method === 'HEAD') return undefined;
  // Node's HTTP parser answers headers past its limit itself, before any Kairos code runs
  if (res.status === 431 && res.body === '') return undefined;
  if (res.type.startsWith('application/json')) {
    let body: { code?: unknown; message?: unknown };
    try {
      body = JSON.parse(res.body);
    } catch {
      return 'error body is not JSON although typed so';
    }
    if (typeof body?.code !== 'string' || body.code === '') return 'error body has no string code';
    if (typeof body.message !== 'string' || body.message === '') return 'error body has no string message';
    return undefined;
  }
  if (shape === 'json-or-page' && res.type.startsWith('text/html')) {
    return /Error <code>[a-z0-9_]+<\/code>/.test(res.body) && /<h1>[^<]+<\/h1>\s*<p>[^<]+/.test(res.body)
      ? undefined
      : 'error page names no error code or message';
  }
  return `error body is ${res.type || 'untyped'}, not the Kairos error shape`;
}

/**
 * Sends fuzz requests one at a time to a server and checks each answer: no 5xx, no hang, and every error
 * answer in the Kairos error shape. Findings keep the seed and the request, so each replays.
 */
export class Fuzzer {
  readonly figures = new Map<string, AreaFigures>();
  readonly findings: Finding[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  private readonly target: URL;

  constructor(url: string) {
    this.target = new URL(url);
  }

  /** Sends one request (no checks). */
  send(req: FuzzRequest): Promise<FuzzResponse> {
    return new Promise((resolve, reject) => {
      const body = req.body === undefined ? undefined : Buffer.from(req.body);
      const headers: Record<string, string | number> = { ...req.headers };
      if (body) headers['content-length'] = body.length;
      const r = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.path,
          headers,
          agent: this.agent,
          insecureHTTPParser: true,
        },
        (res) => {
          const type = String(res.headers['content-type'] ?? '');
          if (type.startsWith('text/event-stream')) {
            res.destroy();
            resolve({ status: res.statusCode ?? 0, type, body: '' });
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, type, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      r.setTimeout(TIMEOUT_MS, () => r.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
      r.on('error', reject);
      r.end(body);
    });
  }

  /** Sends a fuzz request and records its figures and what is wrong with its answer. */
  async check(
    area: string,
    template: string,
    seed: number,
    req: FuzzRequest,
    shape: ErrorShape = 'json',
    upstream?: (res: FuzzResponse) => boolean,
  ): Promise<FuzzResponse | undefined> {
    const fig = this.figures.get(area) ?? { requests: 0, serverErrors: 0, upstream: 0, statuses: {} };
    this.figures.set(area, fig);
    fig.requests++;
    const finding = (problem: string, response?: FuzzResponse) =>
      this.findings.push({
        area,
        template,
        seed,
        problem,
        request: {
          ...req,
          path: short(req.path),
          body: req.body === undefined ? undefined : short(String(req.body)),
        },
        response: response && { ...response, body: short(response.body) },
      });
    let res: FuzzResponse;
    try {
      res = await this.send(req);
    } catch (error) {
      // the client refused to send it (a header Node will not write) is not the server's fault
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code.startsWith('ERR_INVALID') || code === 'ERR_UNESCAPED_CHARACTERS') {
        fig.requests--;
        return undefined;
      }
      finding(`no answer: ${(error as Error).message}`);
      return undefined;
    }
    fig.statuses[res.status] = (fig.statuses[res.status] ?? 0) + 1;
    if (res.status === 502 && upstream?.(res)) {
      fig.upstream++;
      const problem = shapeProblem(res, shape, req.method);
      if (problem) finding(problem, res);
    } else if (res.status >= 500) {
      fig.serverErrors++;
      finding(`status ${res.status}`, res);
    } else {
      const problem = shapeProblem(res, shape, req.method);
      if (problem) finding(problem, res);
    }
    return res;
  }

  /** A table of the figures, one line per area. */
  report(): string {
    const lines = [...this.figures].map(
      ([area, f]) =>
        `${area.padEnd(8)} ${String(f.requests).padStart(6)} requests, ${f.serverErrors} 5xx` +
        `${f.upstream ? ` (+${f.upstream} 502 passing on the LMS's failure)` : ''}; statuses ${JSON.stringify(f.statuses)}`,
    );
    const total = [...this.figures.values()].reduce(
      (t, f) => ({ requests: t.requests + f.requests, serverErrors: t.serverErrors + f.serverErrors }),
      { requests: 0, serverErrors: 0 },
    );
    lines.push(`total    ${String(total.requests).padStart(6)} requests, ${total.serverErrors} 5xx`);
    return lines.join('\n');
  }

  close(): void {
    this.agent.destroy();
  }
}
