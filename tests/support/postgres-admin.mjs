// Test databases on a PostgreSQL server (TAYORI_TEST_POSTGRES_URL): created, copied from a
// template and dropped. A module for tests/global-setup.ts and a command for isolatedSite(),
// which is synchronous and so runs it as a child process:
//
//   node tests/support/postgres-admin.mjs copy <server url> <template database> <new database>
import pg from 'pg';

/** `serverUrl` with its database replaced by `database`. */
export function databaseUrl(serverUrl, database) {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A database name PostgreSQL accepts unquoted: lower-case letters, digits and "_", at most 63. */
export function databaseName(...parts) {
  return parts
    .map((p) => String(p).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter(Boolean)
    .join('_')
    .slice(0, 63);
}

/** The databases of one test run: the prepared one, and its copies named `<database>__<what>`. */
export function copyName(database, ...what) {
  return `${database}__${databaseName(...what)}`.slice(0, 63);
}

async function admin(serverUrl, run) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const quote = (name) => `"${name.replace(/"/g, '""')}"`;

export function createDatabase(serverUrl, name, template) {
  return admin(serverUrl, (c) => c.query(`CREATE DATABASE ${quote(name)}${template ? ` TEMPLATE ${quote(template)}` : ''}`));
}

/** Drops a run's database and its copies (see copyName), closing their connections. */
export function dropDatabases(serverUrl, database) {
  return admin(serverUrl, async (c) => {
    const { rows } = await c.query('SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $2)', [database, `${database}__`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
    return rows.map((r) => r.datname);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, serverUrl, template, name] = process.argv.slice(2);
  if (command !== 'copy' || !name) {
    console.error('usage: postgres-admin.mjs copy <server url> <template database> <new database>');
    process.exit(2);
  }
  try {
    // A run killed earlier may have left one of the same name.
    await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`));
    await createDatabase(serverUrl, name, template);
  } catch (error) {
    console.error(`postgres-admin: ${error.message}`);
    process.exit(1);
  }
}
