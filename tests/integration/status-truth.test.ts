import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';

// What the status page says matches what is known: an uptime figure says what it covers, an
// incident's summary and cards say where it stands now, the home page does not say "no incidents"
// under an ongoing one, and a report's 最終更新 is its own last change.
let site: RunningSite;
const MINUTE = 60_000;
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms);
const SLUG_2014 = '2014-12-02-mail-delay';
const INVESTIGATING_JA = 'Webメールにログインできない事象について、原因を調査しております。';
const RESOLVED_JA = '認証サーバーの証明書を更新し、復旧いたしました。';
const ONGOING_FIRST_JA = 'コントロールパネルにアクセスしにくい事象について、原因を調査しております。';
const ONGOING_CORRECTED_JA = 'コントロールパネルにアクセスしにくい事象について、原因を特定し対応しております。';
let correctedAt = 0;

beforeAll(async () => {
  const isolated = isolatedSite('status-truth');
  await withDatabase(isolated.DATABASE_URL, async (db) => {
    const now = Date.now();
    const id = async (slug: string) => (await db.component.findUniqueOrThrow({ where: { slug } })).id;

    // A fresh component: VPS added 43 minutes ago, staff set it to 一部障害 for 2 minutes.
    const vps = await id('vps');
    await db.component.update({ where: { id: vps }, data: { createdAt: at(now - 43 * MINUTE) } });
    await db.componentStatusChange.deleteMany({ where: { componentId: vps } });
    await db.componentStatusChange.createMany({
      data: [
        { componentId: vps, oldStatus: null, newStatus: 'operational', cause: 'seed', changedAt: at(now - 43 * MINUTE) },
        { componentId: vps, oldStatus: 'operational', newStatus: 'partial_outage', cause: 'staff', changedAt: at(now - 23 * MINUTE) },
        { componentId: vps, oldStatus: 'partial_outage', newStatus: 'operational', cause: 'staff', changedAt: at(now - 21 * MINUTE) },
      ],
    });
    // Webmail, added 3 days ago: a 90-minute major outage the day after, and no data for the last
    // hour. A figure that no longer moves with the clock: known 3 × 1440 − 60 = 4 260 min, down 90 min,
    // 1 − 90 / 4 260 = 0.978873… → 97.88 %, over the 3 days with data (4 260 min = 2.96 days).
    const webmail = await id('webmail');
    await db.component.update({ where: { id: webmail }, data: { createdAt: at(now - 3 * DAY) } });
    await db.componentStatusChange.deleteMany({ where: { componentId: webmail } });
    await db.componentStatusChange.createMany({
      data: [
        { componentId: webmail, oldStatus: null, newStatus: 'operational', cause: 'seed', changedAt: at(now - 3 * DAY) },
        { componentId: webmail, oldStatus: 'operational', newStatus: 'major_outage', cause: 'staff', changedAt: at(now - 2 * DAY) },
        { componentId: webmail, oldStatus: 'major_outage', newStatus: 'operational', cause: 'staff', changedAt: at(now - 2 * DAY + 90 * MINUTE) },
        { componentId: webmail, oldStatus: 'operational', newStatus: 'no_data', cause: 'rule', changedAt: at(now - 60 * MINUTE) },
      ],
    });
    // DNS has been known, and healthy, for longer than the 90 days of the bars.
    const dns = await id('dns');
    await db.component.update({ where: { id: dns }, data: { createdAt: at(now - 200 * DAY) } });
    await db.componentStatusChange.deleteMany({ where: { componentId: dns } });
    await db.componentStatusChange.create({ data: { componentId: dns, oldStatus: null, newStatus: 'operational', cause: 'seed', changedAt: at(now - 200 * DAY) } });

    // Three weeks ago: resolved, with a published postmortem, its summary still the first update's
    // text (as rows written before summaries followed the updates are).
    await db.incident.create({
      data: {
        slug: 'webmail-sign-in',
        titleJa: 'Webメールにログインできない',
        titleEn: 'Webmail sign-in failing',
        summaryJa: INVESTIGATING_JA,
        summaryEn: 'We are investigating failed sign-ins to webmail.',
        impact: 'major',
        status: 'postmortem',
        startedAt: at(now - 21 * DAY),
        resolvedAt: at(now - 21 * DAY + 3 * 3600_000),
        reportJa: '## 1. 発生日時\n\n三週間前',
        reportEn: '## 1. When it happened\n\nThree weeks ago',
        postmortemPublishedAt: at(now - 20 * DAY),
        source: 'console',
        published: true,
        components: { create: [{ componentId: await id('webmail'), status: 'partial_outage' }] },
        updates: {
          create: [
            { status: 'investigating', bodyJa: INVESTIGATING_JA, bodyEn: 'We are investigating failed sign-ins to webmail.', displayAt: at(now - 21 * DAY) },
            { status: 'resolved', bodyJa: RESOLVED_JA, bodyEn: 'The certificate was renewed; sign-in works again.', displayAt: at(now - 21 * DAY + 3 * 3600_000) },
          ],
        },
      },
    });

    // Ongoing since an hour ago; its only update was corrected 10 minutes ago.
    correctedAt = Math.floor((now - 10 * MINUTE) / 1000) * 1000;
    await db.incident.create({
      data: {
        slug: 'control-panel-slow',
        titleJa: 'コントロールパネルにアクセスしにくい',
        titleEn: 'Control panel slow to respond',
        summaryJa: ONGOING_CORRECTED_JA,
        summaryEn: 'We have found the cause of the slow control panel and are working on it.',
        impact: 'minor',
        status: 'identified',
        startedAt: at(now - 60 * MINUTE),
        source: 'console',
        published: true,
        createdAt: at(now - 60 * MINUTE),
        updatedAt: at(now - 60 * MINUTE),
        components: { create: [{ componentId: await id('control-panel'), status: 'degraded_performance' }] },
        updates: {
          create: [
            {
              status: 'identified',
              bodyJa: ONGOING_CORRECTED_JA,
              bodyEn: 'We have found the cause of the slow control panel and are working on it.',
              displayAt: at(now - 60 * MINUTE),
              createdAt: at(now - 60 * MINUTE),
              updatedAt: at(correctedAt),
            },
          ],
        },
      },
    });
  });
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '300' });
});
afterAll(async () => {
  await site?.stop();
});

async function html(p: string) {
  const res = await fetch(`${site.url}${p}`);
  expect(res.status, p).toBe(200);
  return res.text();
}

async function json(p: string) {
  const res = await fetch(`${site.url}${p}`);
  expect(res.status, p).toBe(200);
  return (await res.json()) as any;
}

/** The page once `ok` holds: pages built before the data changed are regenerated in the background. */
async function pageWhen(p: string, ok: (html: string) => boolean): Promise<string> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const page = await html(p);
    if (ok(page) || Date.now() > deadline) return page;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const text = (fragment: string) =>
  fragment
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** A component's uptime figure on the page: its text, its hover/focus text and its data attributes. */
function figure(page: string, slug: string) {
  const m = new RegExp(
    `data-uptime="${slug}"[\\s\\S]*?<span class="uptime-figure"([^>]*)>([^<]*)<span class="day-tip" role="tooltip" id="uptime-tip-${slug}">([\\s\\S]*?)</span></span>`,
  ).exec(page);
  if (!m) return null;
  return {
    text: text(m[2]),
    tip: text(m[3]),
    coverage: /data-coverage="([^"]+)"/.exec(m[1])?.[1],
    minutes: Number(/data-covered-minutes="(\d+)"/.exec(m[1])?.[1]),
  };
}

function section(page: string, id: string): string {
  const start = page.indexOf(`aria-labelledby="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  return page.slice(start, page.indexOf('</section>', start));
}

describe('uptime says what it covers', () => {
  // The pages built with the test database show the components as they were then: wait for these.
  const fresh = (h: string) => (figure(h, 'vps')?.minutes ?? 0) >= 43 && figure(h, 'dns')?.coverage === 'whole_period';

  it('on the status page: a component added 43 minutes ago shows its figure over the last 43 minutes', async () => {
    const page = await pageWhen('/', fresh);
    const vps = figure(page, 'vps')!;
    expect(vps, 'the uptime figure of VPS').not.toBeNull();
    expect(vps.coverage).toBe('recent');
    // 2 minutes of partial outage count 0.6 minutes down: 1 − 0.6 / 43 = 98.60 % (a minute or two later, 98.63 / 98.66).
    const m = /^稼働率 (\d+\.\d\d) %（直近(\d+)分）$/.exec(vps.text);
    expect(m, vps.text).not.toBeNull();
    const minutes = Number(m![2]);
    expect(minutes).toBe(vps.minutes);
    expect(minutes).toBeGreaterThanOrEqual(43);
    expect(minutes).toBeLessThan(48);
    expect(Number(m![1])).toBeCloseTo(100 * (1 - 0.6 / minutes), 1);
    // Hover, focus or tap: the same figure, what it is computed over and how.
    expect(vps.tip).toContain(vps.text);
    expect(vps.tip).toContain(`記録のある直近${minutes}分で計算しています。`);
    expect(vps.tip).toContain('一部障害の時間は30 %を停止として数えます');
    expect(vps.tip).toMatch(/記録の開始: \d{4}年\d+月\d+日/);
    // A component known for the whole period keeps the plain figure of the 90-day bars.
    const dns = figure(page, 'dns')!;
    expect(dns).toMatchObject({ text: '稼働率 100.00 %', coverage: 'whole_period' });
    expect(dns.tip).toContain('過去90日間のすべての時間で計算しています。');
  });

  it('in English, and on the component page', async () => {
    const en = figure(await pageWhen('/en', fresh), 'vps')!;
    expect(en, 'the uptime figure of VPS').not.toBeNull();
    expect(en.text).toMatch(/^\d+\.\d\d % uptime over the last 4\d minutes$/);
    expect(en.tip).toContain('partial outages at 30 %');
    const own = figure(await pageWhen('/components/vps', (h) => (figure(h, 'vps')?.minutes ?? 0) >= 43), 'vps')!;
    expect(own.text).toMatch(/^稼働率 \d+\.\d\d %（直近4\d分）$/);
  });

  it('says "over the days with data" when data stopped, in words that do not move with the clock', async () => {
    const page = await pageWhen('/', (h) => figure(h, 'webmail')?.coverage === 'with_gaps');
    expect(figure(page, 'webmail')).toMatchObject({ text: '稼働率 97.88 %（データのある3日間）', coverage: 'with_gaps', minutes: 4260 });
    expect(figure(page, 'webmail')!.tip).toContain('データのない時間は含めていません。');
    expect(figure(await pageWhen('/en', (h) => figure(h, 'webmail')?.coverage === 'with_gaps'), 'webmail')!.text).toBe('97.88 % uptime over the 3 days with data');
  });

  it('in the API: the same figure and words as the page, in a documented extension field', async () => {
    const find = async (lang: string, name: string) =>
      ((await json(`/api/v2/components.json?lang=${lang}`)).components as any[]).find((c) => c.name === name)?.tayori_uptime;
    expect(await find('ja', 'Webメール')).toEqual({
      percent: 97.88,
      period_days: 90,
      coverage: 'with_gaps',
      covered_minutes: 4260,
      covered_from: expect.stringMatching(/\+09:00$/),
      text: '稼働率 97.88 %（データのある3日間）',
    });
    expect((await find('en', 'Webmail')).text).toBe('97.88 % uptime over the 3 days with data');
    // The fresh component: the same wording as the page, over its last 43 minutes or so.
    const vps = await find('ja', 'VPS');
    expect(vps).toMatchObject({ coverage: 'recent', period_days: 90 });
    expect(vps.covered_minutes).toBeGreaterThanOrEqual(43);
    expect(vps.text).toBe(`稼働率 ${vps.percent.toFixed(2)} %（直近${vps.covered_minutes}分）`);
    const summary = await json('/api/v2/summary.json?lang=en');
    expect(summary.components.find((c: any) => c.name === 'VPS').tayori_uptime.text).toMatch(/^\d+\.\d\d % uptime over the last 4\d minutes$/);
    // Groups carry no figure of their own.
    expect(summary.components.filter((c: any) => c.group).every((g: any) => g.tayori_uptime === undefined)).toBe(true);
  });
});

describe('current text', () => {
  it("a resolved incident with a postmortem summarises where it stands, not its first update", async () => {
    const page = await html('/incidents/webmail-sign-in');
    const summary = section(page, 'summary-heading');
    expect(summary).toContain(RESOLVED_JA);
    expect(summary).not.toContain('原因を調査しております');
    expect(page).toMatch(/<meta name="description" content="認証サーバーの証明書を更新し、復旧いたしました。"/);
    const en = section(await html('/en/incidents/webmail-sign-in'), 'summary-heading');
    expect(en).toContain('The certificate was renewed; sign-in works again.');
  });

  it('the home page shows the ongoing incident at its latest word, and never "no incidents" beside it', async () => {
    const page = await pageWhen('/', (h) => h.includes('data-incident="control-panel-slow"'));
    const ongoing = section(page, 'unresolved-heading');
    expect(ongoing).toContain('data-incident="control-panel-slow"');
    expect(ongoing).toContain(ONGOING_CORRECTED_JA);
    const recent = section(page, 'recent-heading');
    expect(recent).not.toContain('過去14日間に障害はありません。');
    expect(recent).toContain('発生中の障害のほかに、過去14日間の障害はありません。');
    const en = section(await pageWhen('/en', (h) => h.includes('data-incident="control-panel-slow"')), 'recent-heading');
    expect(en).not.toContain('No incidents in the last 14 days.');
    expect(en).toContain('No other incidents in the last 14 days.');
  });

  it("a report's 最終更新 is its own last change: the 2014 report's, and a corrected update's", async () => {
    const report = await html(`/incidents/${SLUG_2014}`);
    // (React separates adjacent texts with an empty comment.)
    expect(report).toMatch(/最終更新(<!-- -->)?: <time dateTime="2014-12-09T15:00:00\+09:00">/);
    const incidents = (await json('/api/v2/incidents.json')).incidents as any[];
    expect(incidents.find((i) => i.shortlink.endsWith(`/incidents/${SLUG_2014}`)).updated_at).toBe('2014-12-09T15:00:00+09:00');

    const ongoing = await html('/incidents/control-panel-slow');
    const stamp = /最終更新(?:<!-- -->)?: <time dateTime="([^"]+)">/.exec(ongoing)?.[1];
    // The correction, not the incident row's older updatedAt.
    expect(new Date(stamp!).getTime()).toBe(correctedAt);
  });
});
