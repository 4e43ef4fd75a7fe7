import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The WebAssembly schema engine ("js") runs migrations offline: no engine binary is downloaded.
// One schema and migration history per database (Prisma pins the provider in both), chosen by
// DATABASE_URL the same way lib/db-client.ts chooses the client.
const url = process.env.DATABASE_URL || 'file:./data/tayori.db';
const postgres = /^postgres(ql)?:\/\//.test(url);
if (!postgres && !url.startsWith('file:')) {
  throw new Error('DATABASE_URL: must start with "file:" (SQLite) or "postgresql://" / "postgres://" (PostgreSQL)');
}
const dir = postgres ? path.join('prisma', 'postgresql') : 'prisma';

export default defineConfig({
  schema: path.join(dir, 'schema.prisma'),
  migrations: { path: path.join(dir, 'migrations') },
  engine: 'js',
  experimental: { adapter: true },
  adapter: async () => (postgres ? postgresForMigrations(url) : new (await import('@prisma/adapter-better-sqlite3')).PrismaBetterSQLite3({ url })),
});

/**
 * @prisma/adapter-pg for the schema engine. The engine reads PostgreSQL's catalogs, whose columns
 * of type `name` (an internal string type) the adapter refuses ("Column type 'name' could not be
 * deserialized", prisma/prisma#27403); so the connections used here report them as text, which
 * is what they are to a client. The application's own client never reads the catalogs.
 */
async function postgresForMigrations(connectionString: string) {
  const { default: pg } = await import('pg');
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const NAME = 19;
  const TEXT = 25;
  type Result = { fields?: { dataTypeID: number }[] };
  const asText = (r: Result | Result[]) => {
    for (const one of Array.isArray(r) ? r : [r]) for (const f of one?.fields ?? []) if (f.dataTypeID === NAME) f.dataTypeID = TEXT;
    return r;
  };
  class CatalogClient extends pg.Client {
    // pg-pool calls query(text, values, callback); the adapter's transactions call query(config, values).
    query(...args: unknown[]): any {
      const callback = typeof args.at(-1) === 'function' ? (args.pop() as (e: unknown, r?: unknown) => void) : null;
      const promise = (super.query as (...a: unknown[]) => Promise<Result>)(...args).then(asText);
      if (!callback) return promise;
      promise.then((r) => callback(null, r), (e) => callback(e));
    }
  }
  return new PrismaPg(new pg.Pool({ connectionString, Client: CatalogClient }));
}
