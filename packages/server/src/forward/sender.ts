import type { Statement } from '@kairos/xapi';
import xapiModule from '@xapi/xapi';
import type { AttachmentRepository, StatementRecord } from '../storage/types.js';
import type { ForwarderRecord } from './forwarders.js';

// a CommonJS package without `exports`: its class is the default of the default (also at run time, as a static)
const XAPI = xapiModule.default;
type XapiClient = InstanceType<typeof XAPI>;
type AdapterRequest = { url: string; method?: string; data?: unknown; headers?: Record<string, string> };

/** How long one post to the other LRS may take before it counts as failed. */
const POST_TIMEOUT_MS = 30_000;

/** The outcome of a post to the other LRS. */
export type PostOutcome =
  | { ok: true }
  /** `permanent`: the other LRS refused this content (4xx); retrying it unchanged cannot help. */
  | { ok: false; status: number; error: string; permanent: boolean };

/** A 4xx that says the content is wrong (not the credentials, the address or the load). */
const PERMANENT = new Set([400, 409, 413, 415, 422]);

/** True when a forwarder's filters let a statement through. */
export function passesFilters(f: Pick<ForwarderRecord, 'verbs' | 'activities'>, s: Statement): boolean {
  if (f.verbs.length > 0 && !f.verbs.includes(s.verb.id)) return false;
  if (f.activities.length === 0) return true;
  const ids = new Set<string>();
  const object = s.object as { objectType?: string; id?: string };
  if ((object.objectType ?? 'Activity') === 'Activity' && object.id) ids.add(object.id);
  const ca = s.context?.contextActivities as Record<string, { id: string }[] | undefined> | undefined;
  for (const list of Object.values(ca ?? {})) for (const a of list ?? []) ids.add(a.id);
  return f.activities.some((a) => ids.has(a));
}

/** A statement as the other LRS receives it: its id, timestamp and content kept; `stored` and `authority` are its own to set. */
const outgoing = (r: StatementRecord): Statement => {
  const {
    stored: _s,
    authority: _a,
    ...rest
  } = r.statement as Statement & { stored?: string; authority?: unknown };
  return rest as Statement;
};

/** Attachments whose content travels with the statement (no `fileUrl`). */
const carried = (s: Statement) =>
  (s.attachments ?? []).filter((a) => !(a as { fileUrl?: string }).fileUrl) as { sha2: string }[];

/**
 * Posts statements to another LRS with @xapi/xapi (JSON batches, or one multipart request for a
 * statement whose attachments travel with it). Its HTTP adapter is ours: Node's fetch with a deadline,
 * keeping the status of a refusal (the library's own fetch adapter throws it away).
 */
export class UpstreamLrs {
  private readonly clients = new Map<string, XapiClient>();

  constructor(private readonly attachments: AttachmentRepository) {}

  private client(endpoint: string, auth: string, version: string): XapiClient {
    const key = `${endpoint}\u0000${auth}\u0000${version}`;
    let c = this.clients.get(key);
    if (!c) {
      c = new XAPI({
        endpoint,
        auth,
        version: version as '1.0.3',
        adapter: async ({ url, method, data, headers = {} }: AdapterRequest) => {
          const body = headers['Content-Type'] === 'application/json' ? JSON.stringify(data) : (data as Blob);
          const res = await fetch(url, {
            method,
            headers,
            body,
            signal: AbortSignal.timeout(POST_TIMEOUT_MS),
          });
          const text = await res.text();
          if (!res.ok) throw new UpstreamRefusal(res.status, text);
          // @xapi/xapi types the answer by the call; forwarding reads only the status
          return {
            data: text as never,
            headers: Object.fromEntries(res.headers.entries()),
            status: res.status,
          };
        },
      });
      if (this.clients.size > 100) this.clients.clear();
      this.clients.set(key, c);
    }
    return c;
  }

  /** Posts `records` (all of one xAPI version) in one request. */
  async post(
    tenantId: string,
    to: { endpoint: string; username: string; password: string },
    records: StatementRecord[],
  ): Promise<PostOutcome> {
    const statements = records.map(outgoing);
    const version = statements[0]?.version?.startsWith('2.') ? '2.0.0' : '1.0.3';
    const xapi = this.client(to.endpoint, XAPI.toBasicAuth(to.username, to.password), version);
    try {
      const withContent = statements.filter((s) => carried(s).length > 0);
      if (withContent.length === 0) {
        await xapi.sendStatements({ statements: statements as never });
      } else {
        // one statement per request when contents travel with it (the library pairs parts with attachments in order)
        for (const s of statements) {
          const parts = carried(s);
          if (parts.length === 0) {
            await xapi.sendStatement({ statement: s as never });
            continue;
          }
          const found = await this.attachments.get(
            tenantId,
            parts.map((p) => p.sha2),
          );
          const bySha = new Map(found.map((a) => [a.sha2, a.content]));
          const buffers = parts.map((p) => {
            const content = bySha.get(p.sha2) ?? Buffer.alloc(0);
            return content.buffer.slice(
              content.byteOffset,
              content.byteOffset + content.byteLength,
            ) as ArrayBuffer;
          });
          await xapi.sendStatement({ statement: s as never, attachments: buffers });
        }
      }
      return { ok: true };
    } catch (error) {
      if (error instanceof UpstreamRefusal)
        return {
          ok: false,
          status: error.status,
          error: error.message,
          permanent: PERMANENT.has(error.status),
        };
      return { ok: false, status: 0, error: (error as Error).message, permanent: false };
    }
  }
}

/** The other LRS answered with an error status. */
class UpstreamRefusal extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}
