import { SCOPES } from '../auth/scopes.js';
import type { KairosConfig } from '../config/index.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos keys`. */
export const KEYS_USAGE = `kairos keys create --name NAME --scopes SCOPE [SCOPE…] [--tenant T] [--json]
kairos keys list [--tenant T] [--json]
kairos keys revoke KEY   (the key and every token it minted stop within seconds)
  scopes: ${SCOPES.join(', ')}`;

/** `kairos keys create|list|revoke`. */
export async function keys(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseFlags({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string', multiple: true },
      tenant: { type: 'string', default: 'default' },
      json: { type: 'boolean', default: false },
    },
  });
  switch (action) {
    case 'create': {
      // --scopes a b c and --scopes a --scopes b both work
      const scopes = [...(values.scopes ?? []), ...positionals]
        .flatMap((s) => s.split(/[\s,]+/))
        .filter(Boolean);
      if (!values.name) throw usageError('keys create needs --name');
      if (scopes.length === 0) throw usageError(`keys create needs --scopes (${SCOPES.join(', ')})`);
      const key = await withAdmin(config, (ops) =>
        ops.createKey({ tenantId: values.tenant!, name: values.name!, scopes }),
      );
      if (values.json) io.out(JSON.stringify(key));
      else {
        io.out(`API key created for tenant ${key.tenantId}`);
        io.out(`  name     ${key.name}`);
        io.out(`  scopes   ${key.scopes.join(' ')}`);
        io.out(`  key      ${key.key}`);
        io.out(`  secret   ${key.secret}   (shown once: store it now)`);
        io.out(`  Basic    ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`);
        io.out(`  endpoint ${config.publicUrl}/xapi`);
      }
      return 0;
    }
    case 'list': {
      const list = await withAdmin(config, (ops) => ops.listKeys(values.tenant));
      if (values.json) io.out(JSON.stringify(list));
      else if (list.length === 0) io.out(`no API keys for tenant ${values.tenant}`);
      else
        for (const k of list)
          io.out(
            `${k.key}  ${k.name}  [${k.scopes.join(' ')}]${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}`,
          );
      return 0;
    }
    case 'revoke': {
      const [key] = positionals;
      if (!key) throw usageError('keys revoke needs the KEY');
      const revoked = await withAdmin(config, (ops) => ops.revokeKey(key));
      // every server drops the key at once (Redis pub/sub) or within KEY_CACHE_MS (auth/key-cache.ts)
      io.out(
        revoked
          ? `revoked ${key}: it and the tokens it minted stop working within seconds on every server`
          : `${key} was already revoked`,
      );
      return 0;
    }
    default:
      throw usageError(`keys takes create, list or revoke\n${KEYS_USAGE}`);
  }
}
