import { describe, it } from 'vitest';
import { migratedPostgres, migratedSqlite } from '../../tests/support/migrated-database';
import { outboxContract } from '../../tests/support/outbox-contract';

// The outbox's state machine against both adapters, each on a real database with the real schema.
outboxContract('SQLite', async () => migratedSqlite('outbox'));

const postgresServer = process.env.TAYORI_TEST_POSTGRES_URL;
if (postgresServer) outboxContract('PostgreSQL', () => migratedPostgres(postgresServer, 'outbox'));
else describe('the outbox on PostgreSQL', () => it.skip('skipped: set TAYORI_TEST_POSTGRES_URL to a server the tests may create databases on (see .ci/run)'));
