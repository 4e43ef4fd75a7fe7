// Reports applied to the copies they are about, on a real database with the real migrations
// (SQLite; PostgreSQL when TAYORI_TEST_POSTGRES_URL names a server), the reports built as the bundled MTA builds its own (mta/deliver/dsn.ts) or taken
// from real-looking Postfix, Gmail and ARF messages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBounce } from '../../../mta/deliver/dsn';
import { migratedPostgres, migratedSqlite, type MigratedDatabase } from '../../../tests/support/migrated-database';

let database: MigratedDatabase;
let db: typeof import('../../db').db;
let apply: typeof import('./apply');
let verp: typeof import('./verp');
let deliveries: typeof import('../deliveries');

beforeAll(async () => {
  const postgres = process.env.TAYORI_TEST_POSTGRES_URL;
  database = postgres ? await migratedPostgres(postgres, 'bounces') : migratedSqlite('bounces');
  process.env.DATABASE_URL = database.url;
  process.env.SITE_URL = 'https://status.example.com';
  process.env.NOTICE_TOKEN_SECRET = 'bounce-test-secret-0123456789abcdef0123';
  process.env.NOTICE_MAX_HARD_BOUNCES = '3';
  db = (await import('../../db')).db;
  apply = await import('./apply');
  verp = await import('./verp');
  deliveries = await import('../deliveries');
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

let seq = 0;
async function subscriber(email: string) {
  return db.subscriber.create({ data: { email, status: 'active', confirmedAt: new Date() } });
}

/** A notice, and a copy of it for the subscriber that has left (sentAt) or is still queued. */
async function copyFor(subscriberId: string, state: 'sent' | 'pending' = 'sent') {
  seq++;
  const notice = await db.notice.create({ data: { kind: 'incident_update', dedupeKey: `k${seq}-${Math.random()}`, subjectJa: 's', subjectEn: 's', textJa: 't', textEn: 't', htmlJa: 'h', htmlEn: 'h' } });
  return db.noticeDelivery.create({
    data: {
      noticeId: notice.id,
      subscriberId,
      lang: 'ja',
      status: state,
      sentAt: state === 'sent' ? new Date() : null,
      messageId: `<${notice.id}.${subscriberId}@status.example.com>`,
      // One millisecond apart at least, so "latest" is well defined.
      createdAt: new Date(Date.now() + seq),
    },
  });
}

/** A DSN as the bundled MTA writes it to a return path, as delivered to the bounce mailbox. */
function dsn(returnPath: string, status: string, messageId = '<unrelated@elsewhere.example>') {
  const report = buildBounce({
    hostname: 'mx.tayori.test',
    queueId: `Q${seq}`,
    sender: returnPath,
    arrivalDate: new Date(),
    failed: [{ address: 'gone@example.net', status, diagnostic: `${status.startsWith('5') ? 550 : 450} ${status} <gone@example.net>: said the remote server` }],
    originalHeaders: `From: status@status.example.com\r\nMessage-ID: ${messageId}\r\nSubject: x\r\n`,
  });
  return Buffer.concat([Buffer.from(`Return-Path: <>\r\nDelivered-To: ${returnPath}\r\n`), report]);
}

const returnPath = (d: { subscriberId: string; noticeId: string }) => verp.verpSender(d.subscriberId, d.noticeId);
const withSignature = (address: string, signature: string) => address.replace(/\.[0-9a-f]{16}@/, `.${signature}@`);
const signatureOf = (address: string) => /\.([0-9a-f]{16})@/.exec(address)![1]!;
const state = async (id: string) => db.subscriber.findUniqueOrThrow({ where: { id }, select: { status: true, hardBounces: true } });
const bounce = async (id: string) => db.noticeDelivery.findUniqueOrThrow({ where: { id }, select: { bounceKind: true, bounceDiagnostic: true, status: true } });

describe('the return path of a copy', () => {
  it('names the delivery in at most 64 octets, on the notices’ domain, and reads back whatever the case', () => {
    const address = verp.verpSender('cm4abcdefghijklmnopqrstuv', 'cm4zyxwvutsrqponmlkjihgfe');
    expect(address).toMatch(/^bounces\+cm4abcdefghijklmnopqrstuv\.jihgfe\.[0-9a-f]{16}@status\.example\.com$/);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    const parts = verp.readVerpAddress(address.toUpperCase())!;
    expect(verp.verpSignedFor(parts, { subscriberId: 'cm4abcdefghijklmnopqrstuv', noticeId: 'cm4zyxwvutsrqponmlkjihgfe' })).toBe(true);
    expect(verp.verpSignedFor(parts, { subscriberId: 'cm4abcdefghijklmnopqrstuv', noticeId: 'cm4zyxwvutsrqponmlkjihgff' })).toBe(false);
    expect(verp.verpSignedFor(parts, { subscriberId: 'cm4abcdefghijklmnopqrstuv', noticeId: 'cm4zyxwvutsrqponmlkjihgfe' }, 'another-secret-0123456789abcdef0123456')).toBe(false);
    expect(verp.readVerpAddress('status@status.example.com')).toBeNull();
  });

  it('is on the domain the MTA keeps the bounce mailbox for (the MTA’s reading of the settings and the site’s agree)', async () => {
    const { noticeMailDomainOf } = await import('#contracts/bounce-address');
    const { noticeMailDomain } = await import('../../site/mail-identity');
    for (const settings of [
      { SITE_URL: 'https://status.example.com' },
      { SITE_URL: 'https://Status.Example.COM:8443/path' },
      { SITE_URL: 'http://127.0.0.1:3000' },
      { SITE_URL: 'http://[::1]:3000' },
      { SITE_URL: 'http://localhost:3000' },
      { SITE_URL: 'http://app.localhost' },
      { SITE_URL: 'http://intranet' },
      { SITE_URL: 'https://status.example.com', NOTICE_FROM_ADDRESS: 'noreply@Mail.Example.jp' },
    ]) {
      expect(noticeMailDomainOf(settings.SITE_URL, settings.NOTICE_FROM_ADDRESS), JSON.stringify(settings)).toBe(noticeMailDomain(settings));
    }
  });
});

describe('applying what comes back', () => {
  it('pauses a subscriber once their latest copies have all bounced hard, counting each copy once', async () => {
    const s = await subscriber('gone@example.net');
    const copies = [await copyFor(s.id), await copyFor(s.id), await copyFor(s.id)];
    const queued = await copyFor(s.id, 'pending');
    // Reports arrive after all three copies were accepted by the relay.
    expect(await apply.applyBounceMessage(dsn(returnPath(copies[0]!), '5.1.1'))).toBe('hard');
    expect(await apply.applyBounceMessage(dsn(returnPath(copies[0]!), '5.1.1'))).toBe('duplicate');
    expect(await apply.applyBounceMessage(dsn(returnPath(copies[1]!), '5.1.1'))).toBe('hard');
    expect(await state(s.id)).toEqual({ status: 'active', hardBounces: 0 });
    expect(await bounce(copies[0]!.id)).toEqual({ bounceKind: 'hard', bounceDiagnostic: '5.1.1 smtp; 550 5.1.1 <gone@example.net>: said the remote server', status: 'sent' });
    expect(await apply.applyBounceMessage(dsn(returnPath(copies[2]!), '5.1.1'))).toBe('hard');
    expect(await state(s.id)).toEqual({ status: 'paused', hardBounces: 3 });
    expect((await bounce(queued.id)).status).toBe('skipped');
  });

  it('does not pause a subscriber whose newer copy went through, and counts refusals at SMTP time in the same run', async () => {
    const s = await subscriber('flaky@example.net');
    const [a, b] = [await copyFor(s.id), await copyFor(s.id)];
    await apply.applyBounceMessage(dsn(returnPath(a), '5.2.1'));
    await apply.applyBounceMessage(dsn(returnPath(b), '5.2.1'));
    expect(await state(s.id)).toEqual({ status: 'active', hardBounces: 2 });
    const delivered = await copyFor(s.id);
    await deliveries.pauseAfterHardBounces(s.id);
    expect(await state(s.id)).toEqual({ status: 'active', hardBounces: 0 });
    // Then two refusals at SMTP time (the worker's own path) and one late report: paused.
    for (let i = 0; i < 2; i++) {
      const refused = await copyFor(s.id, 'pending');
      await db.noticeDelivery.update({ where: { id: refused.id }, data: { status: 'failed' } });
      await deliveries.recordHardBounce(s.id, refused.id, '550 5.1.1 no such user');
    }
    expect(await state(s.id)).toEqual({ status: 'active', hardBounces: 2 });
    expect(await apply.applyBounceMessage(dsn(returnPath(delivered), '5.1.1'))).toBe('hard');
    expect(await state(s.id)).toEqual({ status: 'paused', hardBounces: 3 });
  });

  it('starts a subscriber who confirmed again with a clean record', async () => {
    const s = await subscriber('back@example.net');
    for (let i = 0; i < 3; i++) await apply.applyBounceMessage(dsn(returnPath(await copyFor(s.id)), '5.1.1'));
    expect(await state(s.id)).toEqual({ status: 'paused', hardBounces: 3 });
    // Subscribed and confirmed again (lib/subscribers/subscribe.ts): the old bounces no longer count.
    await db.subscriber.update({ where: { id: s.id }, data: { status: 'active', confirmedAt: new Date(Date.now() + seq + 1), hardBounces: 0 } });
    expect(await apply.applyBounceMessage(dsn(returnPath(await copyFor(s.id)), '5.1.1'))).toBe('hard');
    expect(await state(s.id)).toEqual({ status: 'active', hardBounces: 1 });
  });

  it('records a delay or a 4.x.x failure as a soft bounce only, which a hard one later replaces', async () => {
    const s = await subscriber('busy@example.jp');
    const copy = await copyFor(s.id);
    expect(await apply.applyBounceMessage(dsn(returnPath(copy), '4.4.7'))).toBe('soft');
    expect(await bounce(copy.id)).toMatchObject({ bounceKind: 'soft' });
    expect(await state(s.id)).toEqual({ status: 'active', hardBounces: 0 });
    expect(await apply.applyBounceMessage(dsn(returnPath(copy), '4.4.7'))).toBe('duplicate');
    expect(await apply.applyBounceMessage(dsn(returnPath(copy), '5.1.1'))).toBe('hard');
    expect(await apply.applyBounceMessage(dsn(returnPath(copy), '4.4.7'))).toBe('duplicate');
    expect(await bounce(copy.id)).toMatchObject({ bounceKind: 'hard' });
  });

  it('unsubscribes at once on a complaint (ARF abuse report), queued copies included', async () => {
    const s = await subscriber('reader@mailbox-provider.example');
    const copy = await copyFor(s.id);
    const queued = await copyFor(s.id, 'pending');
    const arf = readFileSync(path.join(import.meta.dirname, 'fixtures', 'arf-abuse.eml'), 'latin1').replaceAll(
      'bounces+cm4subscriber0000000000003.abc123.00112233445566ff@status.example.com',
      returnPath(copy),
    );
    expect(await apply.applyBounceMessage(Buffer.from(arf, 'latin1'))).toBe('complaint');
    expect((await state(s.id)).status).toBe('unsubscribed');
    expect(await bounce(copy.id)).toMatchObject({ bounceKind: 'complaint', bounceDiagnostic: 'feedback-type abuse' });
    expect((await bounce(queued.id)).status).toBe('skipped');
  });

  it('ignores a report whose return path we did not sign, or that names no copy of ours, and changes nothing', async () => {
    const s = await subscriber('target@example.net');
    const copies = [await copyFor(s.id), await copyFor(s.id), await copyFor(s.id)];
    const other = await copyFor((await subscriber('other@example.net')).id);
    for (const copy of copies) {
      const genuine = returnPath(copy);
      // A made-up signature; another copy's signature; the right one for another subscriber.
      expect(await apply.applyBounceMessage(dsn(withSignature(genuine, '0000000000000000'), '5.1.1'))).toBe('forged');
      expect(await apply.applyBounceMessage(dsn(withSignature(genuine, signatureOf(returnPath(other))), '5.1.1'))).toBe('forged');
      expect(await apply.applyBounceMessage(dsn(returnPath({ subscriberId: other.subscriberId, noticeId: copy.noticeId }), '5.1.1'))).toBe('unknown_delivery');
      // A report naming our copy's Message-ID, but sent to a forged return path, is not believed either.
      expect(await apply.applyBounceMessage(dsn(withSignature(genuine, 'ffffffffffffffff'), '5.1.1', `<${copy.noticeId}.${s.id}@status.example.com>`))).toBe('forged');
    }
    const complaint = readFileSync(path.join(import.meta.dirname, 'fixtures', 'arf-abuse.eml'));
    // The fixture's return path names a subscriber that does not exist.
    expect(await apply.applyBounceMessage(complaint)).toBe('unknown_delivery');
    expect(await apply.applyBounceMessage(dsn('bounces@status.example.com', '5.1.1', '<nothing-we-sent@status.example.com>'))).toBe('unknown_delivery');
    expect(await state(s.id)).toEqual({ status: 'active', hardBounces: 0 });
    for (const copy of copies) expect((await bounce(copy.id)).bounceKind).toBeNull();
    // Without a return path of ours, the returned Message-ID places the report.
    expect(await apply.applyBounceMessage(dsn('bounces@status.example.com', '5.1.1', `<${copies[2]!.noticeId}.${s.id}@status.example.com>`))).toBe('hard');
    expect((await bounce(copies[2]!.id)).bounceKind).toBe('hard');
  });

  it('passes over what is no report at all', async () => {
    expect(await apply.applyBounceMessage(readFileSync(path.join(import.meta.dirname, 'fixtures', 'auto-reply.eml')))).toBe('not_a_report');
    expect(await apply.applyBounceMessage(Buffer.from('not a mail at all'))).toBe('not_a_report');
  });
});
