// The outbox's state machine (tests/support/outbox-contract.ts) on this run's database: SQLite,
// or PostgreSQL when the suite runs there (TAYORI_TEST_POSTGRES_URL), so both adapters are
// checked by `npm test` whatever the unit run's environment. A copy of the prepared database.
import { copyDatabase, onPostgres } from '../support/site';
import { outboxContract } from '../support/outbox-contract';

outboxContract(onPostgres() ? 'PostgreSQL (the run’s database)' : 'SQLite (the run’s database)', async () => ({ url: copyDatabase('notices-outbox') }));
