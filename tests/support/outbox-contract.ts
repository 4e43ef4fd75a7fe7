// The outbox's state machine, as one suite that every adapter must pass on a real database:
// lib/outbox/outbox.test.ts runs it on SQLite (a file) and, with TAYORI_TEST_POSTGRES_URL, on
// PostgreSQL; tests/integration/notices-outbox.test.ts runs it on the database of the run (so the
// PostgreSQL pass of `npm test` covers the PostgreSQL adapter too). Mail and webhook rows go through
// the same claims, leases and outcomes; only the table differs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseProvider } from '../../lib/db-client';
import { NOTICE_DELIVERIES } from '../../lib/notices/deliveries';
import type { ClaimRequest, OutboxAdapter, OutboxTable, TransitionGroup } from '../../lib/outbox/adapter';
import { Outbox, type Claimed, type OutboxPolicy } from '../../lib/outbox/outbox';
import { postgresOutbox } from '../../lib/outbox/postgres';
import { sqliteOutbox } from '../../lib/outbox/sqlite';
import { WEBHOOK_DELIVERIES } from '../../lib/webhooks/deliveries';
import { openDatabase, type TestDatabase } from './database';

const POLICY: OutboxPolicy = { leaseSeconds: 60, maxAttempts: 3, retryBaseSeconds: 10 };
const LEASE_MS = POLICY.leaseSeconds * 1000;
const HOUR = 3600_000;

/** A real adapter, watched: how many commits and claims it ran, and an outage it can play. */
class Observed implements OutboxAdapter {
  readonly commits: TransitionGroup[][] = [];
  claims = 0;
  /**
   * commit-lost: the transaction's changes never reach the database although this worker was told
   * they did and let the dots go (PostgreSQL's COMMIT lost with its connection). unreachable:
   * nothing reaches the database at all.
   */
  outage: 'none' | 'commit-lost' | 'unreachable' = 'none';

  constructor(private readonly inner: OutboxAdapter) {}

  claim(request: ClaimRequest) {
    if (this.outage === 'unreachable') return Promise.reject(new Error('database unreachable'));
    this.claims++;
    return this.inner.claim(request);
  }
  async apply(groups: TransitionGroup[], at: Date) {
    this.commits.push(groups);
    if (this.outage === 'unreachable') throw new Error('database unreachable');
    if (this.outage === 'commit-lost') return { changed: groups.map((g) => g.ids), committed: Promise.reject(new Error('connection lost with the COMMIT')) };
    return this.inner.apply(groups, at);
  }
  release(claimToken: string, ids: string[]) {
    return this.inner.release(claimToken, ids);
  }
  reschedule(id: string, claimToken: string, error: string, nextAttemptAt: Date) {
    return this.inner.reschedule(id, claimToken, error, nextAttemptAt);
  }
  conclude(id: string, claimToken: string, status: 'failed' | 'skipped', error: string) {
    return this.inner.conclude(id, claimToken, status, error);
  }
  disconnect() {
    return this.inner.disconnect();
  }
}

export interface OutboxDatabase {
  url: string;
  drop?: () => Promise<void>;
}

export function outboxContract(name: string, open: () => Promise<OutboxDatabase>) {
  describe(`the outbox on ${name}`, () => {
    let database: OutboxDatabase;
    let db: TestDatabase;
    const opened: Outbox<unknown>[] = [];
    const logged: string[] = [];

    beforeAll(async () => {
      database = await open();
      db = openDatabase(database.url);
    });
    afterAll(async () => {
      for (const o of opened) await o.disconnect();
      await db?.$disconnect();
      await database?.drop?.();
    });
    beforeEach(async () => {
      // Claims take any due row of the table: every test starts with empty outboxes.
      await db.noticeDelivery.deleteMany();
      await db.webhookDelivery.deleteMany();
      logged.length = 0;
    });

    /** A worker's outbox on its own connections, watched. */
    function worker<Row>(table: OutboxTable<Row>, options: { lingerMs?: number; retryMs?: number; afterSent?: (rows: Claimed<Row>[]) => Promise<void> } = {}) {
      const adapter = new Observed(databaseProvider(database.url) === 'sqlite' ? sqliteOutbox(database.url.slice('file:'.length), table) : postgresOutbox(database.url, table));
      const outbox = new Outbox(adapter, table, POLICY, { ...options, log: (message, error) => logged.push(`${message} ${error ?? ''}`) });
      opened.push(outbox as Outbox<unknown>);
      return { outbox, adapter };
    }

    const uid = () => randomUUID().replace(/-/g, '');

    /** Mail rows due at the given times (one subscriber each), and the ids in the same order. */
    async function queueMail(due: Date[], status = 'pending'): Promise<string[]> {
      const notice = await db.notice.create({
        data: { kind: 'incident_opened', dedupeKey: `outbox:${uid()}`, subjectJa: '件名', subjectEn: 'Subject', textJa: '', textEn: '', htmlJa: '', htmlEn: '' },
      });
      const subscribers = due.map(() => ({ id: `s${uid()}`, email: `${uid()}@outbox.test`, status: 'active', hardBounces: 1 }));
      await db.subscriber.createMany({ data: subscribers });
      const rows = due.map((nextAttemptAt, i) => ({ id: `d${uid()}`, noticeId: notice.id, subscriberId: subscribers[i]!.id, lang: 'ja', status, nextAttemptAt, messageId: `<${uid()}@outbox.test>` }));
      await db.noticeDelivery.createMany({ data: rows });
      return rows.map((r) => r.id);
    }

    async function queueWebhooks(due: Date[], status = 'pending'): Promise<string[]> {
      const endpoint = await db.webhookEndpoint.create({ data: { url: `https://hooks.example/${uid()}`, secret: 'whsec_test', status: 'active', manageTokenHash: uid() } });
      const rows = due.map((nextAttemptAt) => ({ id: `w${uid()}`, endpointId: endpoint.id, kind: 'incident', payload: '{"incident":{}}', status, nextAttemptAt }));
      await db.webhookDelivery.createMany({ data: rows });
      return rows.map((r) => r.id);
    }

    const mailRows = async (ids: string[]) => {
      const rows = await db.noticeDelivery.findMany({ where: { id: { in: ids } } });
      return ids.map((id) => rows.find((r) => r.id === id)!);
    };

    const pastTimes = (n: number, now = Date.now()) => Array.from({ length: n }, (_, i) => new Date(now - HOUR + i * 1000));

    const channels = [
      { channel: 'mail', table: NOTICE_DELIVERIES as OutboxTable<unknown>, queue: queueMail, owner: (r: any) => r.subscriber.email as string },
      { channel: 'webhooks', table: WEBHOOK_DELIVERIES as OutboxTable<unknown>, queue: queueWebhooks, owner: (r: any) => r.endpoint.url as string },
    ];

    describe.each(channels)('claims ($channel)', ({ table, queue, owner }) => {
      it('gives each due row to one worker only, when four claim at the same moment; later and finished rows stay where they are', async () => {
        const due = await queue(pastTimes(40));
        const later = await queue([new Date(Date.now() + HOUR), new Date(Date.now() + HOUR)]);
        const done = await queue(pastTimes(3), 'sent');
        const workers = Array.from({ length: 4 }, () => worker(table));
        // Connected first, so that the claims below start together.
        await Promise.all(workers.map((w) => w.outbox.claim(1, new Date(0))));
        const batches = await Promise.all(workers.map((w) => w.outbox.claim(15)));
        const all = batches.flat();
        const claimed = all.map((r) => r.id);
        expect(batches.every((b) => b.length <= 15)).toBe(true);
        expect(new Set(claimed).size).toBe(claimed.length); // nobody got a row twice
        expect(new Set(claimed)).toEqual(new Set(due));
        expect(await workers[0]!.outbox.claim(20)).toEqual([]);
        // Each claimed row comes with what its channel needs: the subscriber, the endpoint.
        expect(all.every((r) => owner(r).length > 0)).toBe(true);
        expect(all.every((r) => r.attempts === 1)).toBe(true);
        const model = table === NOTICE_DELIVERIES ? db.noticeDelivery : db.webhookDelivery;
        const statuses = async (ids: string[]) => (await (model as typeof db.noticeDelivery).findMany({ where: { id: { in: ids } }, select: { status: true } })).map((r) => r.status);
        expect(new Set(await statuses(due))).toEqual(new Set(['sending']));
        expect(await statuses(later)).toEqual(['pending', 'pending']);
        expect(await statuses(done)).toEqual(['sent', 'sent', 'sent']);
      });

      it('takes the rows that have waited longest first', async () => {
        const now = Date.now();
        const ids = await queue([5, 1, 4, 2, 3].map((m) => new Date(now - m * 60_000)));
        const { outbox } = worker(table);
        expect((await outbox.claim(2)).map((r) => r.id).sort()).toEqual([ids[0], ids[2]].sort());
      });
    });

    describe('group commit (mail)', () => {
      it('commits the hand-overs of one turn in one transaction, and a lone "sent" with the next hand-over', async () => {
        const ids = await queueMail(pastTimes(12));
        const recorded: string[] = [];
        const { outbox, adapter } = worker(NOTICE_DELIVERIES, { lingerMs: 200, afterSent: async (rows) => void recorded.push(...rows.map((r) => r.id)) });
        const claimed = await outbox.claim(12);
        const [ten, two] = [claimed.slice(0, 10), claimed.slice(10)];

        expect(await Promise.all(ten.map((r) => outbox.handOver(r)))).toEqual(Array(10).fill(true));
        expect(adapter.commits).toHaveLength(1);
        expect(adapter.commits[0]).toEqual([{ to: 'finishing', claimToken: ten[0]!.claimToken, ids: ten.map((r) => r.id) }]);

        // Nothing waits for "sent": they linger for company, and the next hand-over takes them along.
        const sent = ten.map((r) => outbox.sent(r));
        await new Promise((r) => setTimeout(r, 20));
        expect(adapter.commits).toHaveLength(1);
        const handedOver = two.map((r) => outbox.handOver(r));
        expect(await Promise.all([...sent, ...handedOver])).toEqual(Array(12).fill(true));
        expect(adapter.commits).toHaveLength(2);
        expect(adapter.commits[1]!.map((g) => [g.to, g.ids.length]).sort()).toEqual([
          ['finishing', 2],
          ['sent', 10],
        ]);

        // On PostgreSQL a commit's COMMIT is on its way when the transition resolves; settled, it is in.
        await outbox.settle();
        const rows = await mailRows(ids);
        const byId = new Map(rows.map((r) => [r.id, r]));
        expect(ten.every((r) => byId.get(r.id)!.status === 'sent' && byId.get(r.id)!.sentAt && byId.get(r.id)!.claimToken === null)).toBe(true);
        expect(two.every((r) => byId.get(r.id)!.status === 'finishing')).toBe(true);
        expect(recorded.sort()).toEqual(ten.map((r) => r.id).sort());
      });

      it('keeps the state of each outbox to itself: mail and webhook transitions never share a commit', async () => {
        const [mailIds, hookIds] = [await queueMail(pastTimes(3)), await queueWebhooks(pastTimes(3))];
        const [mail, hooks] = [worker(NOTICE_DELIVERIES), worker(WEBHOOK_DELIVERIES)];
        const [m, h] = [await mail.outbox.claim(3), await hooks.outbox.claim(3)];
        expect(await Promise.all([...m.map((r) => mail.outbox.sent(r)), ...h.map((r) => hooks.outbox.sent(r))])).toEqual(Array(6).fill(true));
        await Promise.all([mail.outbox.settle(), hooks.outbox.settle()]);
        expect(mail.adapter.commits.flat().flatMap((g) => g.ids).sort()).toEqual([...mailIds].sort());
        expect(hooks.adapter.commits.flat().flatMap((g) => g.ids).sort()).toEqual([...hookIds].sort());
        const hooksSent = await db.webhookDelivery.findMany({ where: { id: { in: hookIds } } });
        expect(hooksSent.every((r) => r.status === 'sent' && r.deliveredAt && r.claimToken === null)).toBe(true);
      });
    });

    describe('leases (mail)', () => {
      it('lets another worker take over the rows of a worker whose lease ran out; the first can then record nothing', async () => {
        const now = Date.now();
        const ids = await queueMail(pastTimes(3, now));
        const [a, b] = [worker(NOTICE_DELIVERIES), worker(NOTICE_DELIVERIES)];
        const stale = await a.outbox.claim(3, new Date(now - 10 * 60_000));
        expect(await b.outbox.claim(3, new Date(now - 10 * 60_000 + LEASE_MS - 1000))).toEqual([]); // still A's
        const taken = await b.outbox.claim(3, new Date(now));
        expect(taken.map((r) => r.id).sort()).toEqual([...ids].sort());
        expect(taken.every((r) => r.attempts === 2)).toBe(true);

        const [r0, r1, r2] = stale.toSorted((x, y) => x.id.localeCompare(y.id));
        expect(await a.outbox.handOver(r0!)).toBe(false);
        expect(await a.outbox.sent(r1!)).toBe(false);
        expect(await a.outbox.failTemporarily(r2!, '451 try again')).toBeNull();
        expect(await a.outbox.failPermanently(r2!, '550 no such user')).toBe(false);
        expect(await a.outbox.skip(r2!, 'subscriber left')).toBe(false);

        expect(await Promise.all(taken.map((r) => b.outbox.handOver(r)))).toEqual([true, true, true]);
        await b.outbox.settle();
        const rows = await mailRows(ids);
        expect(rows.every((r) => r.status === 'finishing' && r.claimToken === taken[0]!.claimToken)).toBe(true);
      });

      it('counts a copy a dead worker had handed over as sent once its lease has run out, and sends again only what it never handed over', async () => {
        const ids = await queueMail(pastTimes(4));
        const dead = worker(NOTICE_DELIVERIES);
        const claimed = (await dead.outbox.claim(4)).toSorted((x, y) => x.id.localeCompare(y.id));
        const [handedOver, neverStarted] = [claimed.slice(0, 2), claimed.slice(2)];
        expect(await Promise.all(handedOver.map((r) => dead.outbox.handOver(r)))).toEqual([true, true]);
        await dead.outbox.settle(); // its COMMIT reached the database (on PostgreSQL it is not awaited)
        // The worker dies here: no "sent", no release.

        const next = worker(NOTICE_DELIVERIES);
        expect(await next.outbox.claim(10, new Date(Date.now() + 1000))).toEqual([]); // the lease still holds
        const retaken = await next.outbox.claim(10, new Date(Date.now() + LEASE_MS + 5000));
        expect(retaken.map((r) => r.id).sort()).toEqual(neverStarted.map((r) => r.id).sort());

        const rows = await mailRows(handedOver.map((r) => r.id));
        for (const r of rows) {
          expect(r.status).toBe('sent');
          expect(r.sentAt).not.toBeNull();
          expect(r.claimToken).toBeNull();
          expect(r.lastError).toMatch(/counted as sent/);
        }
        expect(ids).toHaveLength(4);
      });
    });

    describe('outcomes (mail)', () => {
      it('retries a temporary failure after its backoff, fails it after the last attempt; permanent failures and skips are final; released claims are due at once', async () => {
        const now = Date.now();
        const ids = await queueMail(pastTimes(4, now));
        const { outbox } = worker(NOTICE_DELIVERIES);
        const byId = new Map((await outbox.claim(4, new Date(now))).map((r) => [r.id, r]));
        const [retried, bounced, skipped, released] = ids.map((id) => byId.get(id)!);

        expect(await outbox.failPermanently(bounced!, `550 5.1.1 no such user ${'x'.repeat(600)}`)).toBe(true);
        expect(await outbox.skip(skipped!, 'subscriber unsubscribed')).toBe(true);
        await outbox.release([released!]);
        expect(await outbox.failTemporarily(retried!, '451 4.3.0 try again later', new Date(now))).toBe('pending');

        const [r, b, s, l] = await mailRows(ids);
        expect([b!.status, b!.lastError!.length, b!.claimToken]).toEqual(['failed', 500, null]);
        expect([s!.status, s!.lastError]).toEqual(['skipped', 'subscriber unsubscribed']);
        // Released: pending at once, and the claim did not count as an attempt.
        expect([l!.status, l!.attempts, l!.claimToken]).toEqual(['pending', 0, null]);
        // Retried: pending again after base × 2^(attempt−1) ± 20 %.
        expect([r!.status, r!.attempts, r!.lastError, r!.claimToken]).toEqual(['pending', 1, '451 4.3.0 try again later', null]);
        const wait = r!.nextAttemptAt.getTime() - now;
        expect(wait).toBeGreaterThanOrEqual(8_000);
        expect(wait).toBeLessThanOrEqual(12_000);

        const releasedAgain = await outbox.claim(10, new Date(now + 1000));
        expect(releasedAgain.map((x) => x.id)).toEqual([released!.id]);
        await outbox.skip(releasedAgain[0]!, 'subscriber unsubscribed');
        // Attempts 2 and 3, each after its backoff; the third failure is the last.
        let at = now;
        for (const attempt of [2, 3]) {
          at = (await mailRows([retried!.id]))[0]!.nextAttemptAt.getTime() + 1;
          const [again] = await outbox.claim(10, new Date(at));
          expect([again!.id, again!.attempts]).toEqual([retried!.id, attempt]);
          expect(await outbox.failTemporarily(again!, `451 attempt ${attempt}`, new Date(at))).toBe(attempt < POLICY.maxAttempts ? 'pending' : 'failed');
        }
        expect((await mailRows([retried!.id]))[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: '451 attempt 3' });
        expect(await outbox.claim(10, new Date(at + HOUR))).toEqual([]);
      });
    });

    describe('outages (mail)', () => {
      it('writes a "sent" the database lost again before the next claim, so the copy is not taken back and sent twice', async () => {
        const ids = await queueMail(pastTimes(3));
        const { outbox, adapter } = worker(NOTICE_DELIVERIES, { retryMs: 60_000 });
        const claimed = await outbox.claim(3);
        adapter.outage = 'commit-lost';
        // The commits seem to go through (the dots went out), then the database loses them.
        expect(await Promise.all(claimed.map((r) => outbox.handOver(r)))).toEqual([true, true, true]);
        expect(await Promise.all(claimed.map((r) => outbox.sent(r)))).toEqual([true, true, true]);
        await expect.poll(() => logged.filter((l) => l.includes('an outbox commit failed after its copies were handed over')).length).toBe(2);
        expect((await mailRows(ids)).map((r) => r.status)).toEqual(['sending', 'sending', 'sending']);

        // The database is back and the lease has run out: the copies are recorded, not claimed.
        adapter.outage = 'none';
        expect(await outbox.claim(10, new Date(Date.now() + LEASE_MS + 5000))).toEqual([]);
        const rows = await mailRows(ids);
        expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
        expect(rows.every((r) => r.lastError === null && r.sentAt)).toBe(true);
      });

      it('claims nothing while a "sent" cannot be written, and gives up when settling takes too long, saying how many', async () => {
        const ids = await queueMail(pastTimes(3));
        const { outbox, adapter } = worker(NOTICE_DELIVERIES, { retryMs: 10 });
        const claimed = (await outbox.claim(3)).toSorted((x, y) => x.id.localeCompare(y.id));
        const [a, b, c] = claimed;
        expect(await Promise.all([outbox.handOver(a!), outbox.handOver(b!)])).toEqual([true, true]);
        await outbox.settle();

        adapter.outage = 'unreachable';
        const sent = [outbox.sent(a!), outbox.sent(b!)];
        // A hand-over that cannot be committed fails: the dot is never sent.
        await expect(outbox.handOver(c!)).rejects.toThrow('database unreachable');
        const claimsBefore = adapter.claims;
        expect(await outbox.claim(10)).toEqual([]);
        expect(adapter.claims).toBe(claimsBefore);

        expect(await outbox.settle(100)).toBe(2);
        expect(await Promise.all(sent)).toEqual([false, false]);
        expect(logged.some((l) => l.includes('2 sent copies could not be recorded'))).toBe(true);

        // Given up, the rows still say "finishing": they count as sent when their lease runs out.
        adapter.outage = 'none';
        const retaken = await worker(NOTICE_DELIVERIES).outbox.claim(10, new Date(Date.now() + LEASE_MS + 5000));
        expect(retaken.map((r) => r.id)).toEqual([c!.id]);
        const rows = await mailRows([a!.id, b!.id]);
        expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
        expect(ids).toHaveLength(3);
      });
    });
  });
}
