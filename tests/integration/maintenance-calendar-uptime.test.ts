// The maintenance calendar and the monthly uptime report, from the production site: the .ics parses
// with ical.js (a real RFC 5545 parser) in both languages with stable UIDs, UTC times, SEQUENCE and
// LAST-MODIFIED, per component too; the CSV is RFC 4180 with a header and carries the very figure
// the component page shows for the month, with the incident that counted.
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';

const ZONE = 'Asia/Tokyo';
let site: RunningSite;
let db: TestDatabase;
const now = new Date();
const month = formatInTimeZone(now, ZONE, 'yyyy-MM');
const created = new Date('2026-11-01T00:00:00Z');

beforeAll(async () => {
  const isolated = isolatedSite('calendar-uptime');
  db = openDatabase(isolated.DATABASE_URL);
  const dns = await db.component.findUniqueOrThrow({ where: { slug: 'dns' } });
  const vps = await db.component.findUniqueOrThrow({ where: { slug: 'vps' } });
  const group = await db.componentGroup.findUniqueOrThrow({ where: { slug: 'platform' } });
  // Two maintenances, changed 120 s after they were created; one covers DNS only.
  await db.maintenance.create({
    data: {
      slug: 'dns-upgrade',
      titleJa: 'DNSサーバーの更新',
      titleEn: 'DNS server upgrade',
      bodyJa: '**一時的に**応答が遅くなります。',
      bodyEn: 'Answers may be **slow** for a while.',
      scheduledFor: new Date('2027-01-10T16:00:00Z'),
      scheduledUntil: new Date('2027-01-10T18:00:00Z'),
      createdAt: created,
      updatedAt: new Date(created.getTime() + 120_000),
      components: { create: [{ componentId: dns.id }] },
    },
  });
  await db.maintenance.create({
    data: {
      slug: 'vps-hosts',
      titleJa: 'VPSホストの再起動',
      titleEn: 'VPS host restart',
      scheduledFor: new Date('2027-01-12T16:00:00Z'),
      scheduledUntil: new Date('2027-01-12T17:00:00Z'),
      createdAt: created,
      updatedAt: created,
      components: { create: [{ componentId: vps.id }] },
    },
  });

  // A component with a short history this month: 10 units operational, 10 of major outage, 5 of
  // partial outage, then no data, so its figure stays (10 + 0.3 × 5) / 25 down whenever it is read.
  const monthStart = fromZonedTime(`${month}-01T00:00:00`, ZONE).getTime();
  const unit = Math.min(60_000, Math.floor((now.getTime() - monthStart) / 30));
  const at = (units: number) => new Date(now.getTime() - 28 * unit + units * unit);
  const probe = await db.component.create({
    data: { slug: 'report-probe', nameJa: '検証用', nameEn: 'Report probe', groupId: group.id, position: 99, createdAt: at(0) },
  });
  await db.componentStatusChange.createMany({
    data: [
      { componentId: probe.id, oldStatus: null, newStatus: 'operational', cause: 'staff', changedAt: at(0) },
      { componentId: probe.id, oldStatus: 'operational', newStatus: 'major_outage', cause: 'staff', changedAt: at(10) },
      { componentId: probe.id, oldStatus: 'major_outage', newStatus: 'partial_outage', cause: 'staff', changedAt: at(20) },
      { componentId: probe.id, oldStatus: 'partial_outage', newStatus: 'no_data', cause: 'rule', changedAt: at(25) },
    ],
  });
  await db.incident.create({
    data: {
      slug: 'report-probe-outage',
      titleJa: '検証用の障害, "引用"',
      titleEn: 'Probe outage, "quoted"',
      impact: 'major',
      status: 'resolved',
      startedAt: at(10),
      resolvedAt: at(25),
      source: 'console',
      components: { create: [{ componentId: probe.id, status: 'major_outage' }] },
    },
  });
  site = await startSite(isolated, { worker: false });
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
});

async function calendar(path: string) {
  const res = await fetch(`${site.url}${path}`);
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  const component = new ICAL.Component(ICAL.parse(await res.text()));
  return { component, events: component.getAllSubcomponents('vevent') };
}

/** RFC 4180 records: quoted fields, doubled quotes, CRLF line ends. */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"(?:,|$)/g)].map((m) => m[1].replaceAll('""', '"')));
}

describe('maintenance calendar', () => {
  it('lists every maintenance in each language with one UID per maintenance, UTC times, SEQUENCE and LAST-MODIFIED', async () => {
    const ja = await calendar('/maintenance.ics');
    const en = await calendar('/en/maintenance.ics');
    expect(ja.component.getFirstPropertyValue('version')).toBe('2.0');
    expect(ja.events).toHaveLength(2);
    const jaDns = ja.events.find((e) => e.getFirstPropertyValue('summary') === 'DNSサーバーの更新')!;
    const enDns = en.events.find((e) => e.getFirstPropertyValue('summary') === 'DNS server upgrade')!;
    expect(jaDns.getFirstPropertyValue('uid')).toBe(enDns.getFirstPropertyValue('uid'));
    expect(new Set(ja.events.map((e) => e.getFirstPropertyValue('uid'))).size).toBe(2);
    const start = jaDns.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(start.zone?.tzid).toBe('UTC');
    expect(start.toJSDate().toISOString()).toBe('2027-01-10T16:00:00.000Z');
    expect((jaDns.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().toISOString()).toBe('2027-01-10T18:00:00.000Z');
    expect(jaDns.getFirstPropertyValue('sequence')).toBe(120);
    expect((jaDns.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().toISOString()).toBe('2026-11-01T00:02:00.000Z');
    expect(jaDns.getFirstPropertyValue('status')).toBe('CONFIRMED');
    // Markdown becomes plain text.
    expect(jaDns.getFirstPropertyValue('description')).toBe('一時的に応答が遅くなります。');
    expect(enDns.getFirstPropertyValue('description')).toBe('Answers may be slow for a while.');
  });

  it('per component: only its own maintenance; an unknown component is 404', async () => {
    const dns = await calendar('/en/components/dns/maintenance.ics');
    expect(dns.events.map((e) => e.getFirstPropertyValue('summary'))).toEqual(['DNS server upgrade']);
    expect((await fetch(`${site.url}/components/no-such-thing/maintenance.ics`)).status).toBe(404);
  });

  it('is linked from the status page and the component page', async () => {
    expect(await (await fetch(`${site.url}/`)).text()).toContain('href="/maintenance.ics"');
    expect(await (await fetch(`${site.url}/en/components/dns`)).text()).toContain('href="/en/components/dns/maintenance.ics"');
  });
});

describe('monthly uptime report', () => {
  it('the CSV carries the component page’s figure for the month and the incident that counted', async () => {
    const page = await (await fetch(`${site.url}/components/report-probe`)).text();
    const figure = /data-uptime="report-probe"[\s\S]*?稼働率 (\d+\.\d\d) %/.exec(page)?.[1];
    // (10 + 0.3 × 5) / 25 of the known time down.
    expect(figure).toBe('54.00');

    const res = await fetch(`${site.url}/uptime/${month}.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual(['サービス', 'スラッグ', '稼働率(%)', '対象時間(分)', '影響時間(分)', '対象となった障害']);
    const probe = rows.find((r) => r[1] === 'report-probe')!;
    expect(probe[0]).toBe('検証用');
    expect(probe[2]).toBe(figure);
    expect(probe[5]).toBe('検証用の障害, "引用"');

    const en = parseCsv(await (await fetch(`${site.url}/en/uptime/${month}.csv`)).text());
    expect(en[0][0]).toBe('Component');
    expect(en.find((r) => r[1] === 'report-probe')?.slice(2, 3)).toEqual([figure]);
  });

  it('the page shows the same figure, links the CSV, and says so for a month before any record', async () => {
    const html = await (await fetch(`${site.url}/en/uptime/${month}`)).text();
    expect(html).toMatch(/data-component="report-probe" data-uptime="54"/);
    expect(html).toContain(`href="/en/uptime/${month}.csv"`);
    expect(html).toContain('Probe outage');
    const before = await fetch(`${site.url}/uptime/2001-01`);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain('この月はまだ記録がありません');
    expect((await fetch(`${site.url}/uptime/2999-01`)).status).toBe(404);
    expect((await fetch(`${site.url}/uptime/2026-13`)).status).toBe(404);
  });
});
