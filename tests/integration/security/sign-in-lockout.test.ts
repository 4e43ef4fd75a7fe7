import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../../support/database';
import { copyDatabase, startSite, type RunningSite } from '../../support/site';
import { createStaff, formOf, PASSWORD, signIn, signInOutcome, submit } from './client';

// Finding 4: every attempt while locked counted as a failure, so anyone could keep a staff account
// locked for ever, and 40 wrong passwords sent at once had 7 checked (limit 5). Failures now count
// per (account, client) and per client; clients are told apart by the local address they connect
// from (127.0.0.0/8), as different hosts would be.

let site: RunningSite;
let db: TestDatabase;

beforeAll(async () => {
  site = await startSite({ RULE_TICK_SECONDS: '300', DATABASE_URL: copyDatabase('sign-in-lockout') });
  db = openDatabase(site.databaseUrl);
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
});

/** Moves this account's and these clients' sign-in records `minutes` into the past, as if that much time went by. */
async function letTimePass(minutes: number, email: string, clients: string[]) {
  const shift = (d: Date) => new Date(d.getTime() - minutes * 60_000);
  for (const row of await db.signInAttempt.findMany({ where: { email } })) {
    await db.signInAttempt.update({ where: { id: row.id }, data: { createdAt: shift(row.createdAt) } });
  }
  const buckets = await db.rateLimitBucket.findMany({ where: { OR: [{ key: { contains: email } }, ...clients.map((c) => ({ key: { endsWith: `:${c}` } }))] } });
  for (const bucket of buckets) await db.rateLimitBucket.update({ where: { key: bucket.key }, data: { windowStart: shift(bucket.windowStart) } });
}

describe('sign-in failures', () => {
  it('failing on purpose from one address locks that address out of the account, not its owner', async () => {
    await createStaff(site, 'owner@example.test', 'admin');
    const attacker = { from: '127.0.0.31' };
    const outcomes: string[] = [];
    for (let i = 0; i < 15; i++) outcomes.push((await signIn(site.url, 'owner@example.test', `guess ${i}`, attacker)).outcome);
    expect(outcomes).toEqual([...Array(5).fill('invalid'), ...Array(10).fill('locked')]);
    // Locked means locked, even with the right password…
    expect((await signIn(site.url, 'owner@example.test', PASSWORD, attacker)).outcome).toBe('locked');
    // …but only there: the owner, at their own address, signs in.
    expect((await signIn(site.url, 'owner@example.test', PASSWORD, { from: '127.0.0.32' })).outcome).toBe('signed-in');
  });

  it('attempts while locked count for nothing: the lock ends 15 minutes after it began, however long someone keeps trying', async () => {
    await createStaff(site, 'persistent@example.test', 'editor');
    const from = '127.0.0.33';
    for (let i = 0; i < 5; i++) expect((await signIn(site.url, 'persistent@example.test', `guess ${i}`, { from })).outcome).toBe('invalid');
    await letTimePass(10, 'persistent@example.test', [from]);
    for (let i = 0; i < 10; i++) expect((await signIn(site.url, 'persistent@example.test', `more ${i}`, { from })).outcome).toBe('locked');
    await letTimePass(6, 'persistent@example.test', [from]);
    expect((await signIn(site.url, 'persistent@example.test', PASSWORD, { from })).outcome).toBe('signed-in');
    // Only checked passwords were recorded: five wrong ones and the right one.
    expect(await db.signInAttempt.count({ where: { email: 'persistent@example.test' } })).toBe(6);
  });

  it('of 40 wrong passwords sent at once, 5 are checked', async () => {
    await createStaff(site, 'raced@example.test', 'editor');
    const from = '127.0.0.34';
    const page = `${site.url}/admin/sign-in`;
    const hidden = await formOf(page, { testId: 'sign-in-form', from });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => submit(page, hidden, [['email', 'raced@example.test'], ['password', `parallel guess ${i}`]], { from })));
    const outcomes = answers.map((a) => signInOutcome(a).outcome);
    expect(outcomes.filter((o) => o === 'invalid')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'locked')).toHaveLength(35);
    expect(await db.signInAttempt.count({ where: { email: 'raced@example.test' } })).toBe(5);
  });

  it('an account failed on from many addresses slows down for each of them, and its owner still signs in from their own', async () => {
    await createStaff(site, 'targeted@example.test', 'admin');
    const attackers = Array.from({ length: 12 }, (_, i) => `127.0.0.${40 + i}`);
    for (const from of attackers) expect((await signIn(site.url, 'targeted@example.test', `guess from ${from}`, { from })).outcome).toBe('invalid');
    // Twelve failures on the account: an address that already failed on it has two tries in the window, not five.
    const first = { from: attackers[0]! };
    expect((await signIn(site.url, 'targeted@example.test', 'second guess', first)).outcome).toBe('invalid');
    expect((await signIn(site.url, 'targeted@example.test', 'third guess', first)).outcome).toBe('locked');
    expect((await signIn(site.url, 'targeted@example.test', PASSWORD, { from: '127.0.0.60' })).outcome).toBe('signed-in');
  });

  it('one address trying many accounts is stopped after 20 failures, for every account', async () => {
    await createStaff(site, 'sprayed@example.test', 'editor');
    const from = '127.0.0.61';
    for (let i = 0; i < 20; i++) expect((await signIn(site.url, `someone-${i}@example.test`, 'Password123!', { from })).outcome).toBe('invalid');
    expect((await signIn(site.url, 'sprayed@example.test', PASSWORD, { from })).outcome).toBe('locked');
    expect((await signIn(site.url, 'sprayed@example.test', PASSWORD, { from: '127.0.0.62' })).outcome).toBe('signed-in');
  });

  it('answers the same for an account that does not exist as for a wrong password, locked or not', async () => {
    await createStaff(site, 'exists@example.test', 'editor');
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 6; i++) {
      known.push((await signIn(site.url, 'exists@example.test', `wrong ${i}`, { from: '127.0.0.63' })).outcome);
      unknown.push((await signIn(site.url, 'does-not-exist@example.test', `wrong ${i}`, { from: '127.0.0.64' })).outcome);
    }
    expect(known).toEqual([...Array(5).fill('invalid'), 'locked']);
    expect(unknown).toEqual(known);
  });
});
