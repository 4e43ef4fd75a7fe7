import 'server-only';
import Database from 'better-sqlite3';
import { db } from '../db';
import { databaseProvider } from '../db-client';
import { Prisma } from '../generated/prisma/client';
import { env } from '../env';

// The writes on the path of every copy: "finishing" (committed before the final dot, renewing the
// lease from there: a row is counted as sent only a whole lease after its hand-over) and "sent"
// (after the 250), for the groups of rows gathered by the outbox's group commit, in one
// transaction. Through Prisma each statement costs about 0.37 ms of CPU, most of a copy's budget;
// on SQLite, prepared statements on a connection of their own cost a few microseconds, and one
// commit per batch instead of one per statement saves the WAL writes (measured in bench:notify:
// ~900 → ~1,700 copies/s and more). PostgreSQL keeps Prisma: there the round trip to the server
// dominates, and the worker's CPU is not the limit.

export interface TransitionGroup {
  to: 'finishing' | 'sent';
  claimToken: string;
  ids: string[];
}

/** Applies every group in one transaction; returns the rows each group changed. */
export type ApplyTransitions = (groups: TransitionGroup[], at: Date) => Promise<number[]>;

const prismaStatement = (g: TransitionGroup, at: Date) =>
  g.to === 'finishing'
    ? db.$executeRaw`UPDATE "NoticeDelivery" SET "status" = 'finishing', "claimedAt" = ${at} WHERE "claimToken" = ${g.claimToken} AND "status" = 'sending' AND "id" IN (${Prisma.join(g.ids)})`
    : db.$executeRaw`UPDATE "NoticeDelivery" SET "status" = 'sent', "sentAt" = ${at}, "claimToken" = NULL, "lastError" = NULL WHERE "claimToken" = ${g.claimToken} AND "status" = 'finishing' AND "id" IN (${Prisma.join(g.ids)})`;

const applyWithPrisma: ApplyTransitions = (groups, at) => db.$transaction(groups.map((g) => prismaStatement(g, at)));


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
  const finishing = connection.prepare(
    `UPDATE "NoticeDelivery" SET "status" = 'finishing', "claimedAt" = ? WHERE "id" IN (SELECT value FROM json_each(?)) AND +"claimToken" = ? AND +"status" = 'sending'`,
  );
  const sent = connection.prepare(
    `UPDATE "NoticeDelivery" SET "status" = 'sent', "sentAt" = ?, "claimToken" = NULL, "lastError" = NULL WHERE "id" IN (SELECT value FROM json_each(?)) AND +"claimToken" = ? AND +"status" = 'finishing'`,
  );
  const applyAll = connection.transaction((groups: TransitionGroup[], at: string) =>
    groups.map((g) => (g.to === 'finishing' ? finishing.run(at, JSON.stringify(g.ids), g.claimToken) : sent.run(at, JSON.stringify(g.ids), g.claimToken)).changes),
  );
  return async (groups, at) => {
    const deadline = Date.now() + BUSY_GIVE_UP_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        // IMMEDIATE: take the write lock up front, so a busy database fails here, before any change.
        return applyAll.immediate(groups, sqliteTime(at));
      } catch (error) {
        // SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY right after a crash, …).
        if (!(error as { code?: string }).code?.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
}

let current: ApplyTransitions | null = null;

export function outboxTransitions(): ApplyTransitions {
  current ??= databaseProvider(env.DATABASE_URL) === 'sqlite' ? sqliteApply(env.DATABASE_URL.replace(/^file:/, '')) : applyWithPrisma;
  return current;
}
