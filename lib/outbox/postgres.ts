import pg from 'pg';
import { SQL_DIALECTS } from '../db-dialect';
import type { OutboxAdapter, OutboxTable } from './adapter';
import { bindValues, outboxStatements, type Statement } from './statements';

// The outbox on PostgreSQL, on two pg connections of the worker's own:
// - one for the group commit's transactions ("finishing" and "sent"), and nothing else;
// - one for claims and the other outcomes, each a single statement.
// A claim is one UPDATE of rows picked with FOR UPDATE SKIP LOCKED, so workers on several hosts
// each take rows nobody else holds.
//
// The hand-over is safe only if nothing can happen between the "finishing" commit and the final
// dot: a worker killed in between has committed the copy as handed over but never sent it.
// Waiting for the server's reply to COMMIT would leave a round trip (and, on a busy host, however
// long the event loop takes to read that reply) in which a kill loses copies. So the rows are
// changed and locked first (RETURNING says which are ours), then the COMMIT is written to the
// socket and the dots right after it, in the same turn. A kill before the COMMIT reaches the kernel
// rolls the transaction back and leaves the dots unsent: the copies are sent again, once. A kill
// after it leaves both on their way. That is why the transactions have a connection to themselves:
// pg queues queries per connection, and a claim queued in front of the COMMIT would hold it back
// while the dots went out.

const dialect = SQL_DIALECTS.postgresql;

export function postgresOutbox(url: string, table: OutboxTable<unknown>): OutboxAdapter {
  const transactions = reconnecting(url, `${table.name} outbox`);
  const statements = reconnecting(url, `${table.name} outbox`);
  const s = outboxStatements(dialect, table);
  const query = async (c: pg.Client, st: Statement, values: Record<string, unknown>) => c.query<Record<string, unknown>>(st.sql, bindValues(dialect, st, values));
  const run = async (st: Statement, values: Record<string, unknown>) => query(await statements.client(), st, values);

  return {
    async claim(r) {
      await run(s.lapsedHandOvers, { now: r.now, note: r.handedOverNote, staleBefore: r.staleBefore });
      const due = (await run(s.claimDue, { ...r })).rows;
      if (!due.length) return [];
      const owners = (await run(s.owners, { ids: [...new Set(due.map((d) => d[table.owner.key]))] })).rows;
      const byId = new Map(owners.map((o) => [o.id, o]));
      return due.map((columns) => ({ columns, owner: byId.get(columns[table.owner.key]) }));
    },
    async apply(groups, at) {
      const c = await transactions.client();
      try {
        await c.query('BEGIN');
        const changed: string[][] = [];
        for (const g of groups) changed.push((await query(c, s[g.to], { at, ids: g.ids, claimToken: g.claimToken })).rows.map((r) => r.id as string));
        // Written to the socket by this call (the connection is idle: the last reply is in), before
        // the caller, resolved in the same turn, lets the dots go.
        const committed = c.query('COMMIT').then(() => undefined);
        return { changed, committed };
      } catch (error) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    release: async (claimToken, ids) => (await run(s.release, { ids, claimToken })).rowCount ?? 0,
    reschedule: async (id, claimToken, error, nextAttemptAt) => ((await run(s.reschedule, { id, claimToken, error, nextAttemptAt })).rowCount ?? 0) > 0,
    conclude: async (id, claimToken, status, error) => ((await run(s.conclude, { id, claimToken, status, error })).rowCount ?? 0) > 0,
    disconnect: async () => void (await Promise.all([transactions.end(), statements.end()])),
  };
}

/** One pg connection, opened when first needed and opened again after it dropped. */
function reconnecting(url: string, name: string) {
  let current: Promise<pg.Client> | null = null;
  const connect = () => {
    const c = new pg.Client({ connectionString: url });
    const connecting = c.connect().then(() => c);
    // A dropped connection is replaced at the next query; its error reaches the query in flight.
    // Only this connection is forgotten: a late event from an older one must not drop its successor.
    const forget = () => {
      if (current === connecting) current = null;
    };
    c.on('error', (error) => (forget(), console.error(`${name}: database connection: ${error.message}`)));
    c.on('end', forget);
    connecting.catch(forget);
    return connecting;
  };
  return {
    client: () => (current ??= connect()),
    async end() {
      const c = await current?.catch(() => null);
      current = null;
      await c?.end().catch(() => undefined);
    },
  };
}
