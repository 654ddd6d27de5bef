import type { KairosConfig } from '../config/index.js';
import type { ForwarderStatus } from '../forward/index.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos forward`. */
export const FORWARD_USAGE = `kairos forward add --endpoint URL --username KEY --password SECRET [--verb IRI]… [--activity IRI]… [--from start|now] [--tenant T] [--json]
kairos forward list [--tenant T] [--json]
kairos forward remove ID [--tenant T]
  forwards a tenant's accepted statements to another LRS, ids kept, retried until it accepts them
  (password: or KAIROS_FORWARD_PASSWORD, kept out of the shell history)`;

/** One line per forwarder: where to, what passes, and how it goes. */
export function describeForwarder(f: ForwarderStatus): string {
  const filters = [...f.verbs.map((v) => `verb ${v}`), ...f.activities.map((a) => `activity ${a}`)].join(
    ', ',
  );
  const state =
    f.status === 'failing'
      ? `FAILING since ${f.failingSince} (${f.failures} tries; next ${f.nextAttemptAt}): ${f.lastError}`
      : f.pending === 0
        ? 'up to date'
        : `${f.pending} waiting`;
  return `${f.id}  ${f.endpoint}  ${filters || 'every statement'}  forwarded ${f.forwarded}, refused ${f.rejectedCount}  ${state}`;
}

/** `kairos forward add|list|remove`. */
export async function forward(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseFlags({
    args: rest,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      verb: { type: 'string', multiple: true },
      activity: { type: 'string', multiple: true },
      from: { type: 'string', default: 'start' },
      tenant: { type: 'string', default: 'default' },
      json: { type: 'boolean', default: false },
    },
  });
  switch (action) {
    case 'add': {
      const password = values.password ?? process.env.KAIROS_FORWARD_PASSWORD;
      if (!values.endpoint || !values.username || password === undefined)
        throw usageError(`forward add needs --endpoint, --username and --password\n${FORWARD_USAGE}`);
      const created = await withAdmin(
        config,
        (ops) =>
          ops.addForwarder({
            tenantId: values.tenant,
            endpoint: values.endpoint,
            username: values.username,
            password,
            verbs: values.verb,
            activities: values.activity,
            from: values.from,
          }),
        { secret: true },
      );
      if (values.json) io.out(JSON.stringify(created));
      else {
        io.out(`forwarder ${created.id} created for tenant ${created.tenantId}`);
        io.out(`  to       ${created.endpoint}`);
        io.out(
          `  filters  ${[...created.verbs, ...created.activities].join(' ') || 'none (every statement)'}`,
        );
        io.out(
          `  from     ${values.from === 'now' ? 'statements stored from now on' : 'the first statement stored'}`,
        );
        io.out('  the running server forwards within seconds; `kairos forward list` shows how it goes');
      }
      return 0;
    }
    case 'list': {
      const list = await withAdmin(config, (ops) => ops.listForwarders(values.tenant), { secret: true });
      if (values.json) io.out(JSON.stringify(list));
      else if (list.length === 0) io.out(`no forwarders for tenant ${values.tenant}`);
      else for (const f of list) io.out(describeForwarder(f));
      return 0;
    }
    case 'remove': {
      const [id] = positionals;
      if (!id) throw usageError('forward remove needs the forwarder ID (kairos forward list shows them)');
      const removed = await withAdmin(config, (ops) => ops.removeForwarder(values.tenant, id), {
        secret: true,
      });
      io.out(removed ? `removed forwarder ${id}` : `no forwarder ${id} for tenant ${values.tenant}`);
      return removed ? 0 : 1;
    }
    default:
      throw usageError(`forward takes add, list or remove\n${FORWARD_USAGE}`);
  }
}
