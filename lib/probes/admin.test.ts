// The console's probe writes on a real SQLite database with the real migrations: a malformed
// target stores nothing, every write is audited without the password, an edit with an empty
// password keeps the stored one, the component gets its signals rule, and "test now" stores no result.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedDatabase } from '../../tests/support/migrated-database';

let database: MigratedDatabase;
let db: typeof import('../db').db;
let admin: typeof import('./admin');
let componentId: string;
let server: net.Server;
let port: number;
const staff = { id: null, email: 'editor@example.test' };
const SECRET = 'hunter2-probe-password';

beforeAll(async () => {
  database = migratedSqlite('probes-admin');
  process.env.DATABASE_URL = database.url;
  db = (await import('../db')).db;
  admin = await import('./admin');
  componentId = (await db.component.create({ data: { slug: 'mail-imap', nameJa: 'IMAP', nameEn: 'IMAP', position: 0 } })).id;
  server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server?.close();
  await db?.$disconnect();
  await database?.drop();
});

const audits = async () => (await db.auditLog.findMany({ orderBy: { at: 'asc' } })).map((a) => ({ action: a.action, details: a.details }));

describe('probes in the console', () => {
  it('refuses a malformed target and stores nothing', async () => {
    const result = await admin.createProbeAudited({ componentId, kind: 'tcp', target: 'mail.example.jp:99999' }, staff);
    expect(result).toEqual({ ok: false, issues: [{ field: 'target', problem: 'targetBadPort' }] });
    expect(await db.probe.count()).toBe(0);
    expect(await audits()).toEqual([]);
  });

  it('refuses an unknown component', async () => {
    const result = await admin.createProbeAudited({ componentId: 'nope', kind: 'tcp', target: '127.0.0.1:1' }, staff);
    expect(result).toMatchObject({ ok: false, issues: [{ field: 'componentId', problem: 'component' }] });
    expect(await db.probe.count()).toBe(0);
  });

  it('creates a probe with a signals rule for its component, audited without the password', async () => {
    const result = await admin.createProbeAudited({ componentId, kind: 'imap', target: 'imap.example.jp', settings: { user: 'watch@example.jp', password: SECRET, confirmations: 3 } }, staff);
    expect(result.ok).toBe(true);
    const row = await db.probe.findFirstOrThrow();
    expect(JSON.parse(row.settings)).toMatchObject({ user: 'watch@example.jp', password: SECRET, confirmations: 3, tls: 'none' });
    expect(await db.componentMetricRule.findUnique({ where: { componentId } })).toMatchObject({ metric: 'signals' });
    const [entry] = await audits();
    expect(entry.action).toBe('probe.create');
    expect(entry.details).not.toContain(SECRET);
    expect(JSON.parse(entry.details).after.settings).toMatchObject({ user: 'watch@example.jp', hasPassword: true });
  });

  it('keeps the stored password when an edit leaves it empty, and never shows it back', async () => {
    const row = await db.probe.findFirstOrThrow();
    const result = await admin.updateProbeAudited(row.id, { componentId, kind: 'imap', target: 'imap2.example.jp:993', intervalS: 120, settings: { tls: 'implicit', user: 'watch@example.jp', password: '' } }, staff);
    expect(result.ok).toBe(true);
    const stored = await db.probe.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.target).toBe('imap2.example.jp:993');
    expect(JSON.parse(stored.settings).password).toBe(SECRET);
    const listed = await (await import('./store')).listProbes();
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(listed[0].settings).toMatchObject({ hasPassword: true });
    const entries = await audits();
    expect(entries.at(-1)?.action).toBe('probe.update');
    expect(entries.every((e) => !e.details.includes(SECRET))).toBe(true);
  });

  it('tests a probe now without storing a result, audits disable and delete', async () => {
    const tested = await admin.testProbeAudited({ componentId, kind: 'tcp', target: `127.0.0.1:${port}` }, staff);
    expect(tested).toMatchObject({ ok: true, outcome: { ok: true } });
    expect(await db.probeResult.count()).toBe(0);
    const row = await db.probe.findFirstOrThrow();
    expect(await admin.setProbeEnabledAudited(row.id, false, staff)).toBe(true);
    expect((await db.probe.findUniqueOrThrow({ where: { id: row.id } })).enabled).toBe(false);
    expect(await admin.deleteProbeAudited(row.id, staff)).toBe(true);
    expect(await db.probe.count()).toBe(0);
    expect((await audits()).map((a) => a.action)).toEqual(['probe.create', 'probe.update', 'probe.test', 'probe.disable', 'probe.delete']);
  });

  it('masks credentials written into a URL target in the audit log', async () => {
    const result = await admin.createProbeAudited({ componentId, kind: 'http', target: `https://ops:${SECRET}@status.example.jp/health` }, staff);
    expect(result.ok).toBe(true);
    expect((await audits()).at(-1)?.details).not.toContain(SECRET);
  });
});
