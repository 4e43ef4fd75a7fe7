// npm run apikey -- create --name <name> --role editor|admin [--components slug,slug]   prints the key once
// npm run apikey -- list
// npm run apikey -- revoke <prefix-or-id>
import { spawnSync } from 'node:child_process';
import { createApiKey, listApiKeys, revokeApiKey, ApiKeyName, ApiKeyRoleSchema, UnknownComponentsError } from '../lib/api-keys/store';
import { audit } from '../lib/audit/log';
import { db } from '../lib/db';

const [command, ...rest] = process.argv.slice(2);
const cli = { id: null, email: 'cli' };
const USAGE = 'usage: npm run apikey -- create --name <name> --role editor|admin [--components slug,slug] | list | revoke <prefix-or-id>';

function fail(message: string): never {
  console.error(`apikey: ${message}`);
  process.exit(1);
}

function option(name: string): string | undefined {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
}

// A new database gets its tables first; a migrated one is left alone (see scripts/staff.ts).
try {
  await db.apiKey.count();
} catch {
  const migrate = spawnSync('npx', ['prisma', 'migrate', 'deploy'], { encoding: 'utf8' });
  if (migrate.status !== 0) fail(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
}

try {
  switch (command) {
    case 'create': {
      const name = ApiKeyName.safeParse(option('name') ?? '');
      if (!name.success) fail('--name is required (up to 100 characters)');
      const role = ApiKeyRoleSchema.safeParse(option('role'));
      if (!role.success) fail('--role must be editor or admin');
      const components = (option('components') ?? '').split(',').filter(Boolean);
      const created = await createApiKey({ name: name.data, role: role.data, components, createdBy: cli });
      await audit(cli, 'api_key.create', { type: 'api_key', id: created.id }, { name: name.data, prefix: created.prefix, role: created.role, components: created.componentSlugs });
      console.log(created.key);
      console.log(`prefix ${created.prefix}  role ${created.role}  components ${created.componentSlugs.length ? created.componentSlugs.join(',') : 'all'}`);
      console.error('The key is shown this once: store it now.');
      break;
    }
    case 'list': {
      for (const k of await listApiKeys()) {
        const scope = k.componentSlugs ? k.componentSlugs.join(',') : 'all';
        console.log(`${k.prefix}\t${k.id}\t${k.name}\t${k.role}\t${scope}\t${k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`}`);
      }
      break;
    }
    case 'revoke': {
      if (!rest[0]) fail('give the key’s prefix or id');
      const revoked = await revokeApiKey(rest[0]);
      if (!revoked) fail(`no single key has the prefix or id ${rest[0]}`);
      await audit(cli, 'api_key.revoke', { type: 'api_key', id: revoked.id }, { name: revoked.name, prefix: revoked.prefix });
      console.log(`${revoked.prefix} (${revoked.name}): revoked`);
      break;
    }
    default:
      fail(USAGE);
  }
} catch (error) {
  if (error instanceof UnknownComponentsError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error));
} finally {
  await db.$disconnect();
}
