import 'server-only';
import Database from 'better-sqlite3';
import pg from 'pg';
import { databaseProvider } from '../db-client';
import { env } from '../env';

// The writes on the path of every copy: "finishing" (committed before the final dot, renewing the
// lease from there: a row is counted as sent only a whole lease after its hand-over) and "sent"
// (after the 250), for the groups of rows gathered by the outbox's group commit, in one
// transaction, on a database connection of the worker's own.
//
// The hand-over is safe only if nothing can happen between the "finishing" commit and the final
// dot: a worker killed in between has committed the copy as handed over but never sent it.
// - SQLite: the commit is a synchronous call, and the dots are written in the same event-loop
//   turn (a few microtasks later, no I/O in between).
// - PostgreSQL: waiting for the server's reply to COMMIT would leave a round trip (and, on a busy
//   host, however long the event loop takes to read that reply) in which a kill loses copies. So
//   the rows are changed and locked first (the UPDATE's RETURNING says which are ours), then the
//   COMMIT is written to the socket and the dots right after it, in the same turn. A kill before
//   the COMMIT reaches the kernel rolls the transaction back and leaves the dots unsent: the
//   copies are sent again, once. A kill after it leaves both on their way.
// Measured in bench:notify on SQLite: prepared statements here cost a few microseconds where
// Prisma took about 0.37 ms per statement (~900 → ~1,700 copies/s and more).

export interface TransitionGroup {
  to: 'finishing' | 'sent';
  claimToken: string;
  ids: string[];
}

export interface AppliedTransitions {
  /** Per group, the ids this worker changed (the others were taken over by another worker). */
  changed: string[][];
  /** Settles when the commit is durable; the changes are already final for this worker. */
  committed: Promise<void>;
}

/** Applies every group in one transaction, committing it in the same event-loop turn as it resolves. */
export type ApplyTransitions = (groups: TransitionGroup[], at: Date) => Promise<AppliedTransitions>;

/** As long as SQLite's own busy timeout for the site's connections (better-sqlite3's default). */
const BUSY_GIVE_UP_MS = 5000;

/** SQLite stores DateTime as the driver adapter writes it (ISO 8601 with an explicit offset). */
const sqliteTime = (d: Date) => d.toISOString().replace('Z', '+00:00');

function sqliteApply(file: string): ApplyTransitions {
  const connection = new Database(file);
  // No waiting inside SQLite: these calls are synchronous, and this process's Prisma connection
  // may hold the write lock across an await (a claim, a transaction); blocking the event loop
  // until it let go would never end. A busy database is retried after a timer instead.
  connection.pragma('busy_timeout = 0');
  // WAL is set on the file once; synchronous is per connection (see relaxCommitSync).
  connection.pragma('synchronous = NORMAL');
  // Rows are found by primary key; the unary + keeps SQLite from choosing the claimToken or status
  // index instead, which would visit every row of the claim (hundreds) for each handful updated.
  const finishing = connection
    .prepare(
      `UPDATE "NoticeDelivery" SET "status" = 'finishing', "claimedAt" = ? WHERE "id" IN (SELECT value FROM json_each(?)) AND +"claimToken" = ? AND +"status" = 'sending' RETURNING "id"`,
    )
    .pluck();
  // "sending" too: see the PostgreSQL statement below (here a failed commit never lets the dot go).
  const sent = connection
    .prepare(
      `UPDATE "NoticeDelivery" SET "status" = 'sent', "sentAt" = ?, "claimToken" = NULL, "lastError" = NULL WHERE "id" IN (SELECT value FROM json_each(?)) AND +"claimToken" = ? AND +"status" IN ('sending', 'finishing') RETURNING "id"`,
    )
    .pluck();
  const applyAll = connection.transaction((groups: TransitionGroup[], at: string) =>
    groups.map((g) => (g.to === 'finishing' ? finishing : sent).all(at, JSON.stringify(g.ids), g.claimToken) as string[]),
  );
  return async (groups, at) => {
    const deadline = Date.now() + BUSY_GIVE_UP_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        // IMMEDIATE: take the write lock up front, so a busy database fails here, before any change.
        return { changed: applyAll.immediate(groups, sqliteTime(at)), committed: Promise.resolve() };
      } catch (error) {
        // SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY right after a crash, …).
        if (!(error as { code?: string }).code?.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
}

/** Prisma's PostgreSQL columns are `timestamp(3)` holding UTC. */
const postgresTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

const POSTGRES_STATEMENTS = {
  finishing: `UPDATE "NoticeDelivery" SET "status" = 'finishing', "claimedAt" = $1::timestamp WHERE "id" = ANY($2::text[]) AND "claimToken" = $3 AND "status" = 'sending' RETURNING "id"`,
  // "sending" too: if the COMMIT of "finishing" failed after the dot went out (the database
  // connection dropped), the server's 250 still records the copy as sent instead of leaving it to
  // be sent again when the lease runs out.
  sent: `UPDATE "NoticeDelivery" SET "status" = 'sent', "sentAt" = $1::timestamp, "claimToken" = NULL, "lastError" = NULL WHERE "id" = ANY($2::text[]) AND "claimToken" = $3 AND "status" IN ('sending', 'finishing') RETURNING "id"`,
};

function postgresApply(url: string): ApplyTransitions {
  let client: Promise<pg.Client> | null = null;
  const connect = () => {
    const c = new pg.Client({ connectionString: url });
    // A dropped connection is replaced at the next batch; its error reaches the query in flight.
    const forget = () => (client = null);
    c.on('error', (error) => (forget(), console.error('notice worker: outbox connection:', error.message)));
    c.on('end', forget);
    return c.connect().then(() => c, (error) => (forget(), Promise.reject(error)));
  };
  return async (groups, at) => {
    const c = await (client ??= connect());
    try {
      await c.query('BEGIN');
      const changed: string[][] = [];
      for (const g of groups) {
        const result = await c.query<{ id: string }>(POSTGRES_STATEMENTS[g.to], [postgresTime(at), g.ids, g.claimToken]);
        changed.push(result.rows.map((r) => r.id));
      }
      // Written to the socket by this call (the connection is idle: the last reply is in), before
      // the caller, resolved below in the same turn, lets the dots go.
      const committed = c.query('COMMIT').then(() => undefined);
      return { changed, committed };
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
}

let current: ApplyTransitions | null = null;

export function outboxTransitions(): ApplyTransitions {
  current ??= databaseProvider(env.DATABASE_URL) === 'sqlite' ? sqliteApply(env.DATABASE_URL.replace(/^file:/, '')) : postgresApply(env.DATABASE_URL);
  return current;
}
