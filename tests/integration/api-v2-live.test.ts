import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { withDatabase } from '../support/database';
import { makeRollup } from '../support/rollups';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { ENDPOINTS, schemaErrors } from '../support/statuspage-schema';

// The API while things happen: maintenance announced and under way, a draft incident staff have
// not published, and an automatic incident opened by measured mail delay through the ingest API.
let site: RunningSite;
const token = inject('ingestToken');
const HOUR = 3600_000;
const at = (ms: number) => new Date(ms);

beforeAll(async () => {
  const isolated = isolatedSite('api-v2-live');
  await withDatabase(isolated.DATABASE_URL, async (db) => {
    await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
    const componentId = async (slug: string) => (await db.component.findUniqueOrThrow({ where: { slug } })).id;
    const now = Date.now();

    const maintenance = (id: string, slug: string, titleJa: string, titleEn: string, from: number, until: number, published: boolean, createdAt: number) =>
      db.maintenance.create({
        data: { id, slug, titleJa, titleEn, status: 'scheduled', scheduledFor: at(from), scheduledUntil: at(until), published, createdAt: at(createdAt), updatedAt: at(createdAt) },
      });
    const maintenanceUpdate = (id: string, maintenanceId: string, bodyJa: string, bodyEn: string, when: number) =>
      db.maintenanceUpdate.create({ data: { id, maintenanceId, status: 'scheduled', bodyJa, bodyEn, displayAt: at(when), createdAt: at(when) } });
    await maintenance('mnt-upcoming', 'dns-upgrade', 'DNSサーバーの更新', 'DNS server upgrade', now + 24 * HOUR, now + 26 * HOUR, true, now);
    await maintenanceUpdate('mntu-upcoming', 'mnt-upcoming', '明日DNSサーバーを更新します。', 'We will upgrade the DNS servers tomorrow.', now);
    await db.maintenanceComponent.create({ data: { maintenanceId: 'mnt-upcoming', componentId: await componentId('dns') } });
    // Due now: the site's own tick starts it (webmail under maintenance) and refreshes the pages.
    await maintenance('mnt-active', 'webmail-upgrade', 'Webメールの更新', 'Webmail upgrade', now - 60_000, now + HOUR, true, now - 2 * HOUR);
    await maintenanceUpdate('mntu-active', 'mnt-active', 'Webメールを更新します。', 'We will upgrade webmail.', now - 2 * HOUR);
    await db.maintenanceComponent.create({ data: { maintenanceId: 'mnt-active', componentId: await componentId('webmail') } });
    await maintenance('mnt-draft', 'secret-work', '非公開の作業', 'Unannounced work', now + HOUR, now + 2 * HOUR, false, now);

    // A critical incident staff are still drafting: it must show nowhere, nor count in the indicator.
    await db.incident.create({
      data: {
        id: 'inc-draft',
        slug: 'draft-outage',
        titleJa: '下書きの障害',
        titleEn: 'Draft outage',
        impact: 'critical',
        status: 'investigating',
        startedAt: at(now - HOUR),
        published: false,
        source: 'console',
        updates: { create: [{ id: 'incu-draft', status: 'investigating', bodyJa: '下書き', bodyEn: 'Draft', displayAt: at(now - HOUR) }] },
        components: { create: [{ componentId: await componentId('vps'), status: 'major_outage' }] },
      },
    });
  });
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '1' });
});
afterAll(async () => {
  await site?.stop();
});

async function getJson(p: string) {
  const res = await fetch(`${site.url}${p}`);
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

const decode = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function banner(html: string) {
  const m = html.match(/data-indicator="([a-z]+)"[\s\S]*?class="status-banner-text">([^<]+)</)!;
  return { indicator: m[1], text: m[2] };
}

/** The status page once it shows `indicator` (the pages regenerate on the change, asynchronously to this test). */
async function pageShowing(pagePath: string, indicator: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const html = await (await fetch(`${site.url}${pagePath}`)).text();
    if (banner(html).indicator === indicator || Date.now() > deadline) return html;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const names = (list: { name: string }[]) => list.map((x) => x.name);

describe('maintenance', () => {
  beforeAll(async () => {
    const deadline = Date.now() + 20_000;
    while ((await getJson('/api/v2/scheduled-maintenances/active.json')).scheduled_maintenances.length === 0) {
      if (Date.now() > deadline) throw new Error('the maintenance never started');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  it('lists upcoming and active maintenance where Statuspage clients look for them', async () => {
    expect(names((await getJson('/api/v2/scheduled-maintenances/upcoming.json')).scheduled_maintenances)).toEqual(['DNSサーバーの更新']);
    expect(names((await getJson('/api/v2/scheduled-maintenances/active.json?lang=en')).scheduled_maintenances)).toEqual(['Webmail upgrade']);
    expect(names((await getJson('/api/v2/scheduled-maintenances.json')).scheduled_maintenances)).toEqual(['DNSサーバーの更新', 'Webメールの更新']);
    const summary = await getJson('/api/v2/summary.json?lang=en');
    // Soonest first: the one under way, then the one tomorrow.
    expect(names(summary.scheduled_maintenances)).toEqual(['Webmail upgrade', 'DNS server upgrade']);
    const active = summary.scheduled_maintenances.find((m: { name: string }) => m.name === 'Webmail upgrade');
    expect(active).toMatchObject({ status: 'in_progress', impact: 'maintenance' });
    expect(active.scheduled_for).toMatch(/\+09:00$/);
    expect(names(active.components)).toEqual(['Webmail']);
    expect(active.components[0].status).toBe('under_maintenance');
    expect(active.incident_updates.map((u: { body: string }) => u.body)).toEqual(['The maintenance has started.', 'We will upgrade webmail.']);
  });

  it('says "under maintenance" as the banner does, with an indicator Statuspage clients know', async () => {
    const html = await pageShowing('/en', 'maintenance');
    expect(banner(html)).toEqual({ indicator: 'maintenance', text: 'Service Under Maintenance' });
    expect((await getJson('/api/v2/status.json?lang=en')).status).toEqual({ indicator: 'none', description: 'Service Under Maintenance' });
    // The same maintenance, in the same order and state, as the page lists.
    const onPage = [...html.matchAll(/data-maintenance="[^"]+" data-maintenance-status="([^"]+)"[\s\S]*?class="incident-title">([^<]+)</g)].map((m) => [m[2], m[1]]);
    expect(onPage).toHaveLength(2);
    const summary = await getJson('/api/v2/summary.json?lang=en');
    expect(summary.scheduled_maintenances.map((m: { name: string; status: string }) => [m.name, m.status])).toEqual(onPage);
  });
});

describe('unpublished incidents and maintenance', () => {
  it('appear in no document and do not raise the indicator', async () => {
    for (const endpoint of ENDPOINTS) {
      for (const query of ['', '?lang=en']) {
        const text = await (await fetch(`${site.url}${endpoint}${query}`)).text();
        expect(text).not.toContain('下書き');
        expect(text).not.toContain('Draft outage');
        expect(text).not.toContain('inc-draft');
        expect(text).not.toContain('mnt-draft');
      }
    }
    expect((await getJson('/api/v2/status.json')).status.indicator).not.toBe('critical');
  });
});

describe('arrival estimate while nothing is delayed', () => {
  it('is null in summary.json and absent from the page', async () => {
    expect((await getJson('/api/v2/summary.json')).tayori_arrival_estimate).toBeNull();
    expect(await (await fetch(`${site.url}/`)).text()).not.toContain('arrival-estimate');
  });
});

describe('an automatic incident opened through the ingest API', () => {
  const WINDOW = 10_000;
  let cursor = Math.floor((Date.now() - 5 * 60_000) / WINDOW) * WINDOW;

  beforeAll(async () => {
    // Two 12-minute windows: the rule degrades mail reception and opens a published incident.
    const rollups = Array.from({ length: 3 }, () => makeRollup('mx-api', new Date((cursor += WINDOW)), Array(20).fill(12 * 60)));
    const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups }),
    });
    expect(res.status).toBe(200);
    // The worker judges the windows; the site refreshes its pages and API at its next tick.
    for (const pagePath of ['/', '/en']) expect(banner(await pageShowing(pagePath, 'minor')).indicator).toBe('minor');
  });

  it('shows at once in the API exactly as on the page: status, components and unresolved incident', async () => {
    for (const [pagePath, query] of [['/', ''], ['/en', '?lang=en']]) {
      const html = await (await fetch(`${site.url}${pagePath}`)).text();
      const summary = await getJson(`/api/v2/summary.json${query}`);
      expect(schemaErrors('/api/v2/summary.json', summary)).toEqual([]);

      const { indicator, text } = banner(html);
      expect(indicator).toBe('minor');
      expect(summary.status).toEqual({ indicator, description: text });

      const shown = [...html.matchAll(/data-component="[^"]+" data-status="([^"]+)"[^>]*>[\s\S]*?<a [^>]*>([^<]+)<\/a>/g)].map((m) => [m[2], m[1]]);
      const listed = summary.components.filter((c: { group: boolean }) => !c.group).map((c: { name: string; status: string }) => [c.name, c.status]);
      expect(listed).toEqual(shown);

      const unresolvedSection = html.slice(html.indexOf('id="unresolved-heading"'), html.indexOf('id="components-heading"'));
      expect(summary.incidents).toHaveLength(1);
      expect(decode(unresolvedSection)).toContain(summary.incidents[0].name);
    }
  });

  it('describes the incident and the status change its first update announced', async () => {
    const { incidents } = await getJson('/api/v2/incidents/unresolved.json?lang=en');
    expect(schemaErrors('/api/v2/incidents/unresolved.json', { page: (await getJson('/api/v2/status.json')).page, incidents })).toEqual([]);
    const [incident] = incidents;
    expect(incident).toMatchObject({ status: 'investigating', impact: 'minor', resolved_at: null, monitoring_at: null });
    expect(names(incident.components)).toEqual(['Mail reception']);
    expect(incident.components[0].status).toBe('degraded_performance');
    const first = incident.incident_updates.at(-1);
    expect(first.body).toContain('about 12 minutes');
    expect(first.deliver_notifications).toBe(true);
    expect(first.affected_components).toEqual([{ code: incident.components[0].id, name: 'Mail reception', old_status: 'operational', new_status: 'degraded_performance' }]);
    // The same incident heads the full list, and its link opens its page.
    expect((await getJson('/api/v2/incidents.json')).incidents[0].id).toBe(incident.id);
    expect((await fetch(incident.shortlink)).status).toBe(200);
  });

  it('turns the badges to the new state', async () => {
    const overall = await (await fetch(`${site.url}/badge.svg?lang=en`)).text();
    expect(overall).toContain('<title>Tayori Status: Partially Degraded Service</title>');
    const inbound = await (await fetch(`${site.url}/badge.svg?component=mail-inbound`)).text();
    expect(inbound).toContain('<title>メール受信: パフォーマンス低下</title>');
  });
});

describe('arrival estimate while inbound mail is delayed', () => {
  // The last minute of an MTA draining its backlog: 30 scanned and 3 accepted a second, the queue
  // 27 a second shorter; everything waits for the scan (the 2014 FIFO setup).
  const WINDOW = 10_000;
  let estimate: any;
  let estimateEn: any;

  beforeAll(async () => {
    const last = Math.floor(Date.now() / WINDOW) * WINDOW - WINDOW;
    const rollups = Array.from({ length: 6 }, (_, i) => ({
      ...makeRollup('mx-eta', new Date(last - (5 - i) * WINDOW), Array(20).fill(12 * 60)),
      accepted: 30,
      queue_depth: 5400 - i * 270,
      scanned: 300,
      scan_ahead: 5400 - i * 270,
    }));
    const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups }),
    });
    expect(res.status).toBe(200);
    // The worker judges the windows and the site refreshes its documents at its next tick.
    const asOf = new Date(last + WINDOW).getTime();
    const deadline = Date.now() + 30_000;
    for (;;) {
      estimate = (await getJson('/api/v2/summary.json')).tayori_arrival_estimate;
      if (estimate && Date.parse(estimate.as_of) === asOf) break;
      if (Date.now() > deadline) throw new Error(`the estimate never caught up: ${JSON.stringify(estimate)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    estimateEn = (await getJson('/api/v2/summary.json?lang=en')).tayori_arrival_estimate;
  });

  it('says in summary.json when mail sent now arrives and when the backlog clears, in the site time zone', async () => {
    expect(estimate).toMatchObject({ expected_delay_s: 135, no_estimate_reason: null, backlog_messages: 4050, basis: 'scan_queue', drain_per_minute: 1800, arrivals_per_minute: 180 });
    expect(estimate.as_of).toMatch(/\+09:00$/);
    // 4050 waiting, 27 a second fewer: gone 150 s after the estimate's moment.
    expect(Date.parse(estimate.backlog_clears_at)).toBe(Date.parse(estimate.as_of) + 150_000);
    const clock = estimate.backlog_clears_at.slice(11, 16);
    expect(estimate.text).toBe(`いま送信されたメールは約2分後に届く見込みです。滞留は ${clock} ごろに解消する見込みです。`);
    expect(estimateEn.text).toBe(`Mail sent now is expected to arrive in about 2 minutes. The backlog should clear around ${clock}.`);
    expect(schemaErrors('/api/v2/summary.json', await getJson('/api/v2/summary.json'))).toEqual([]);
  });

  it('shows the same words on the status page and on the open incident’s page, in both languages', async () => {
    const { incidents } = await getJson('/api/v2/incidents/unresolved.json');
    const incidentPath = new URL(incidents[0].shortlink).pathname;
    for (const [pagePath, text] of [['/', estimate.text], ['/en', estimateEn.text], [incidentPath, estimate.text], [`/en${incidentPath}`, estimateEn.text]]) {
      const deadline = Date.now() + 20_000;
      let html = '';
      while (!decode(html).includes(text) && Date.now() < deadline) {
        html = await (await fetch(`${site.url}${pagePath}`)).text();
        if (!decode(html).includes(text)) await new Promise((r) => setTimeout(r, 500));
      }
      expect(decode(html), pagePath).toContain(text);
      expect(html).toContain('data-arrival-delay-s="135"');
    }
  });
});
