import type { SqlDialect, SqlValueType } from '../db-dialect';
import type { OutboxTable } from './adapter';

// Every statement of the outbox, written once for both databases and every outbox table; each
// adapter spells them in its dialect (lib/db-dialect.ts) and prepares them on its connection.
// The states (see outbox.ts):
//
//   pending ──claim──▶ sending ──hand-over──▶ finishing ──sent──▶ sent
//      ▲                  │                       │
//      ├── release ◀──────┤                       │   lease lapsed: counted as sent
//      └── reschedule ◀───┴───────────────────────┤
//                         conclude: failed | skipped
//
// Every change of a claimed row names the claim token: a worker whose lease was taken over by
// another can neither finish a copy the other one now owns nor overwrite its outcome.

export interface Statement {
  sql: string;
  /** The values the statement binds, by name, in the order it binds them. */
  params: { name: string; type: SqlValueType }[];
}

type Value = (name: string, type: SqlValueType) => string;
type IdList = (column: string, name: string) => string;

function statement(d: SqlDialect, write: (value: Value, ids: IdList) => string): Statement {
  const params: Statement['params'] = [];
  const value: Value = (name, type) => (params.push({ name, type }), d.placeholder(params.length, type));
  const ids: IdList = (column, name) => (params.push({ name, type: 'ids' }), d.inIds(column, params.length));
  return { sql: write(value, ids).replace(/\s+/g, ' ').trim(), params };
}

/** The values of `values` in the order and form `s` binds them. */
export function bindValues(d: SqlDialect, s: Statement, values: Record<string, unknown>): unknown[] {
  return s.params.map((p) => d.bind(values[p.name], p.type));
}

const quote = (identifier: string) => `"${identifier}"`;

export type OutboxStatements = ReturnType<typeof outboxStatements>;

export function outboxStatements(d: SqlDialect, table: OutboxTable<unknown>) {
  const t = quote(table.name);
  const sentAt = quote(table.sentAtColumn);
  const { owner } = table;
  return {
    /**
     * A worker that died between "finishing" and "sent" wrote the final dot right after its
     * "finishing" commit: the server has the copy. It counts as sent and is never sent again.
     * (A row still "sending" never got its dot: the claim below takes it over.)
     */
    lapsedHandOvers: statement(
      d,
      (v) => `UPDATE ${t} SET "status" = 'sent', ${sentAt} = ${v('now', 'time')}, "claimToken" = NULL, "lastError" = ${v('note', 'text')}
              WHERE "status" = 'finishing' AND "claimedAt" < ${v('staleBefore', 'time')}`,
    ),
    /** Due rows, and rows whose worker's lease ran out before the hand-over, oldest due first. */
    claimDue: statement(
      d,
      (v) => `UPDATE ${t} SET "status" = 'sending', "claimToken" = ${v('claimToken', 'text')}, "claimedAt" = ${v('now', 'time')}, "attempts" = "attempts" + 1
              WHERE "id" IN (
                SELECT "id" FROM ${t}
                WHERE ("status" = 'pending' AND "nextAttemptAt" <= ${v('now', 'time')}) OR ("status" = 'sending' AND "claimedAt" < ${v('staleBefore', 'time')})
                ORDER BY "nextAttemptAt" LIMIT ${v('limit', 'int')} ${d.claimLock})
              RETURNING "id", "attempts", ${table.columns.map(quote).join(', ')}`,
    ),
    owners: statement(d, (_, ids) => `SELECT ${['id', ...owner.columns.filter((c) => c !== 'id')].map(quote).join(', ')} FROM ${quote(owner.table)} WHERE ${ids('"id"', 'ids')}`),
    /**
     * Handed over: committed before the final dot. It renews the lease from this moment, so a
     * row counts as sent only a whole lease after its hand-over.
     */
    finishing: statement(
      d,
      (v, ids) => `UPDATE ${t} SET "status" = 'finishing', "claimedAt" = ${v('at', 'time')}
                   WHERE ${ids('"id"', 'ids')} AND ${d.unindexed('"claimToken"')} = ${v('claimToken', 'text')} AND ${d.unindexed('"status"')} = 'sending' RETURNING "id"`,
    ),
    /**
     * "sending" too: if the "finishing" commit was lost after the dot went out (on PostgreSQL it
     * is not awaited, see postgres.ts), the server's 250 still records the copy as sent instead of
     * leaving it to be sent again when its lease runs out.
     */
    sent: statement(
      d,
      (v, ids) => `UPDATE ${t} SET "status" = 'sent', ${sentAt} = ${v('at', 'time')}, "claimToken" = NULL, "lastError" = NULL
                   WHERE ${ids('"id"', 'ids')} AND ${d.unindexed('"claimToken"')} = ${v('claimToken', 'text')} AND ${d.unindexed('"status"')} IN ('sending', 'finishing') RETURNING "id"`,
    ),
    /** Claimed, never started: pending at once, and the claim is not counted as an attempt. */
    release: statement(
      d,
      (v, ids) => `UPDATE ${t} SET "status" = 'pending', "claimToken" = NULL, "claimedAt" = NULL, "attempts" = "attempts" - 1
                   WHERE ${ids('"id"', 'ids')} AND "claimToken" = ${v('claimToken', 'text')} AND "status" = 'sending'`,
    ),
    reschedule: statement(
      d,
      (v) => `UPDATE ${t} SET "status" = 'pending', "claimToken" = NULL, "claimedAt" = NULL, "lastError" = ${v('error', 'text')}, "nextAttemptAt" = ${v('nextAttemptAt', 'time')}
              WHERE "id" = ${v('id', 'text')} AND "claimToken" = ${v('claimToken', 'text')}`,
    ),
    conclude: statement(
      d,
      (v) => `UPDATE ${t} SET "status" = ${v('status', 'text')}, "claimToken" = NULL, "lastError" = ${v('error', 'text')}
              WHERE "id" = ${v('id', 'text')} AND "claimToken" = ${v('claimToken', 'text')}`,
    ),
  };
}
