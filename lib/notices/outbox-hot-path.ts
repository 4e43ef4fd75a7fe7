import 'server-only';
import Database from 'better-sqlite3';
import pg from 'pg';
import { databaseProvider } from '../db-client';
import { env } from '../env';

// The outbox statements on the path of every copy, on a database connection of the worker's own:
// - claims (SQLite; PostgreSQL claims through Prisma in outbox.ts, where the round trip to the
//   server, not the worker's CPU, is the cost);
// - "finishing" (committed before the final dot, renewing the lease from there: a row is counted
//   as sent only a whole lease after its hand-over) and "sent" (after the 250), for the groups of
//   rows gathered by the outbox's group commit, in one transaction.
// Through Prisma each statement cost about 0.37 ms of CPU and each claimed row tens of
// microseconds more, most of a copy's budget; prepared statements cost a few microseconds
// (bench:notify, SQLite: ~900 → ~2,500 copies/s with the group commit).
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

/** A claimed row as the worker needs it. */
export interface ClaimedRow {
  id: string;
  noticeId: string;
  lang: string;
  messageId: string;
  attempts: number;
  subscriber: { id: string; email: string; status: string; tokenVersion: number; hardBounces: number };
}

export interface ClaimRequest {
  claimToken: string;
  now: Date;
  /** Leases older than this have run out. */
  staleBefore: Date;
  limit: number;
  /** Recorded on "finishing" rows whose worker died: counted as sent. */
  handedOverNote: string;
}

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

export interface OutboxHotPath {
  /** Applies every group in one transaction, committing it in the same event-loop turn as it resolves. */
  apply(groups: TransitionGroup[], at: Date): Promise<AppliedTransitions>;
  /** SQLite only (null on PostgreSQL): counts lapsed hand-overs as sent, then claims due rows. */
  claim: ((request: ClaimRequest) => Promise<ClaimedRow[]>) | null;
}

/** As long as SQLite's own busy timeout for the site's connections (better-sqlite3's default). */
const BUSY_GIVE_UP_MS = 5000;

/** SQLite stores DateTime as the driver adapter writes it (ISO 8601 with an explicit offset). */
const sqliteTime = (d: Date) => d.toISOString().replace('Z', '+00:00');

function sqliteHotPath(file: string): OutboxHotPath {
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

  // A worker that died between "finishing" and "sent" handed its copies over: counted as sent.
  const lapsedHandOvers = connection.prepare(
    `UPDATE "NoticeDelivery" SET "status" = 'sent', "sentAt" = ?, "claimToken" = NULL, "lastError" = ? WHERE "status" = 'finishing' AND "claimedAt" < ?`,
  );
  // Due rows, and rows whose worker's lease ran out before the hand-over; one writer at a time
  // (IMMEDIATE) makes the claim exclusive.
  const claimDue = connection.prepare(
    `UPDATE "NoticeDelivery" SET "status" = 'sending', "claimToken" = ?, "claimedAt" = ?, "attempts" = "attempts" + 1
     WHERE "id" IN (
       SELECT "id" FROM "NoticeDelivery"
       WHERE ("status" = 'pending' AND "nextAttemptAt" <= ?) OR ("status" = 'sending' AND "claimedAt" < ?)
       ORDER BY "nextAttemptAt" LIMIT ?)
     RETURNING "id", "noticeId", "lang", "messageId", "attempts", "subscriberId"`,
  );
  const subscribers = connection.prepare(
    `SELECT "id", "email", "status", "tokenVersion", "hardBounces" FROM "Subscriber" WHERE "id" IN (SELECT value FROM json_each(?))`,
  );
  type DueRow = Omit<ClaimedRow, 'subscriber'> & { subscriberId: string };
  const claimAll = connection.transaction((r: ClaimRequest) => {
    const [now, stale] = [sqliteTime(r.now), sqliteTime(r.staleBefore)];
    lapsedHandOvers.run(now, r.handedOverNote, stale);
    const due = claimDue.all(r.claimToken, now, now, stale, r.limit) as DueRow[];
    const byId = new Map((subscribers.all(JSON.stringify(due.map((d) => d.subscriberId))) as ClaimedRow['subscriber'][]).map((s) => [s.id, s]));
    // A subscriber deleted since is gone with its rows (ON DELETE CASCADE); none can be missing here.
    return due.map(({ subscriberId, ...d }) => ({ ...d, subscriber: byId.get(subscriberId)! }));
  });

  return {
    apply: async (groups, at) => ({ changed: await whenNotBusy(() => applyAll.immediate(groups, sqliteTime(at))), committed: Promise.resolve() }),
    claim: (request) => whenNotBusy(() => claimAll.immediate(request)),
  };
}

/** Runs a synchronous SQLite transaction, retrying after a timer while another writer holds the lock. */
async function whenNotBusy<T>(run: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_GIVE_UP_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      // IMMEDIATE transactions take the write lock up front, so a busy database fails here, before any change.
      return run();
    } catch (error) {
      // SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY right after a crash, …).
      if (!(error as { code?: string }).code?.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
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

function postgresHotPath(url: string): OutboxHotPath {
  let client: Promise<pg.Client> | null = null;
  const connect = () => {
    const c = new pg.Client({ connectionString: url });
    const connecting = c.connect().then(() => c);
    // A dropped connection is replaced at the next batch; its error reaches the query in flight.
    // Only this connection is forgotten: a late event from an older one must not drop its successor.
    const forget = () => {
      if (client === connecting) client = null;
    };
    c.on('error', (error) => (forget(), console.error('notice worker: outbox connection:', error.message)));
    c.on('end', forget);
    connecting.catch(forget);
    return connecting;
  };
  const apply: OutboxHotPath['apply'] = async (groups, at) => {
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
  return { apply, claim: null };
}

let current: OutboxHotPath | null = null;

export function outboxHotPath(): OutboxHotPath {
  current ??= databaseProvider(env.DATABASE_URL) === 'sqlite' ? sqliteHotPath(env.DATABASE_URL.replace(/^file:/, '')) : postgresHotPath(env.DATABASE_URL);
  return current;
}
