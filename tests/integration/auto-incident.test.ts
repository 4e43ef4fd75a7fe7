import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { makeRollup } from '../support/rollups';
import { isolatedSite, startSite, type RunningSite } from '../support/site';

// The whole life of an automatic incident, driven only by rollups pushed to the ingest API.
let site: RunningSite;
let db: Database.Database;
const token = inject('ingestToken');

beforeAll(async () => {
  const isolated = isolatedSite('auto-incident');
  const databaseUrl = isolated.DATABASE_URL;
  // The windows below are back-dated (minutes of traffic pushed in seconds), so "no data" must not
  // trigger on their age; it is checked separately at the end.
  const setup = new Database(databaseUrl.replace(/^file:/, ''));
  setup.prepare('UPDATE ComponentMetricRule SET noDataAfterS = 3600').run();
  setup.close();
  site = await startSite({ ...isolated, AUTO_RESOLVE_MINUTES: '0', RULE_TICK_SECONDS: '1' });
  db = new Database(databaseUrl.replace(/^file:/, ''), { readonly: true });
});
afterAll(async () => {
  db?.close();
  await site?.stop();
});

const minutes = (m: number) => m * 60;
const WINDOW = 10_000;
// Windows end at least 30 s before now, so every one of them can be judged at once.
const base = Math.floor((Date.now() - 9 * 60_000) / WINDOW) * WINDOW;
let next = 0;

async function push(delaySeconds: number, windows: number, messages = 20) {
  const rollups = [];
  for (let i = 0; i < windows; i++, next++) {
    const delays = Array.from({ length: messages }, (_, k) => (k < messages - 1 ? delaySeconds : delaySeconds * 0.5));
    rollups.push(makeRollup('mx-test', new Date(base + next * WINDOW), delays));
  }
  const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rollups }),
  });
  expect(res.status).toBe(200);
}

function inbound() {
  return db.prepare("SELECT status, noData, currentValue FROM Component WHERE slug = 'mail-inbound'").get() as { status: string; noData: number; currentValue: number };
}

function autoIncident() {
  return db.prepare("SELECT * FROM Incident WHERE source = 'auto'").get() as { id: string; slug: string; status: string; impact: string; published: number; maxDelayMinutes: number } | undefined;
}

function updates(incidentId: string) {
  return db.prepare('SELECT status, bodyJa, bodyEn FROM IncidentUpdate WHERE incidentId = ? ORDER BY displayAt, createdAt').all(incidentId) as { status: string; bodyJa: string; bodyEn: string }[];
}

async function until<T>(read: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('automatic incident from measured mail delay', () => {
  it('stays operational on a normal day and on a single slow window', async () => {
    await push(2, 6);
    await push(minutes(12), 1);
    await push(2, 2);
    expect(inbound().status).toBe('operational');
    expect(autoIncident()).toBeUndefined();
  });

  it('opens a published incident with the measured delay after two slow windows', async () => {
    await push(minutes(12), 2);
    expect(inbound().status).toBe('degraded_performance');
    const incident = autoIncident()!;
    expect(incident).toBeDefined();
    expect(incident.status).toBe('investigating');
    expect(incident.impact).toBe('minor');
    expect(incident.published).toBe(1);
    const [first] = updates(incident.id);
    expect(first.bodyJa).toContain('メール受信に遅延が発生しております。現在、最大で約12分の遅延が発生しています。');
    expect(first.bodyEn).toContain('about 12 minutes');

    const page = await (await fetch(`${site.url}/`)).text();
    expect(page).toContain('メール受信の遅延');
    expect(page).toMatch(/data-component="mail-inbound" data-status="degraded_performance"/);
  });

  it('follows the delay as it grows, raising the impact', async () => {
    await push(minutes(45), 2);
    expect(inbound().status).toBe('partial_outage');
    const incident = autoIncident()!;
    expect(incident.impact).toBe('major');
    expect(updates(incident.id).at(-1)!.bodyJa).toContain('遅延が拡大しております。現在、最大で約45分');
    expect(incident.maxDelayMinutes).toBe(45);
  });

  it('moves to monitoring after five healthy minutes and resolves with the observed window', async () => {
    await push(2, 31);
    expect(inbound().status).toBe('operational');
    const incident = (await until(autoIncident, (i) => i?.status === 'resolved', 'resolution'))!;
    const list = updates(incident.id);
    expect(list.map((u) => u.status)).toEqual(['investigating', 'investigating', 'monitoring', 'resolved']);
    expect(list[3].bodyJa).toContain('最大遅延は約45分');
    // 2 + 2 slow windows of 20 messages, each over the 5-minute threshold; the lone slow window
    // before the incident is not part of it.
    expect(list[3].bodyJa).toContain('遅延したメールは80通');
    const window = db.prepare('SELECT startAt, endAt, maxDelayS, messagesAffected FROM IncidentWindow WHERE incidentId = ?').get(incident.id) as {
      endAt: number | null;
      maxDelayS: number;
      messagesAffected: number;
    };
    expect(window.endAt).not.toBeNull();
    expect(window.maxDelayS).toBeGreaterThanOrEqual(minutes(45));
    expect(window.messagesAffected).toBe(80);
  });

  it('shows "no data", never "operational", when no source reports any more', async () => {
    const writable = new Database(site.databaseUrl.replace(/^file:/, ''));
    writable.prepare('UPDATE ComponentMetricRule SET noDataAfterS = 1').run();
    writable.close();
    await until(inbound, (c) => c.noData === 1, 'no data');
    const deadline = Date.now() + 30_000;
    let page = '';
    while (Date.now() < deadline && !page.includes('data-no-data="true"')) {
      page = await (await fetch(`${site.url}/`)).text();
    }
    expect(page).toMatch(/data-component="mail-inbound"[^>]*data-no-data="true"/);
    expect(page).toContain('データなし');
  });

  it('recorded every status change', () => {
    const changes = db
      .prepare("SELECT oldStatus, newStatus FROM ComponentStatusChange c JOIN Component k ON k.id = c.componentId WHERE k.slug = 'mail-inbound' AND cause = 'rule' ORDER BY changedAt")
      .all();
    expect(changes).toEqual([
      { oldStatus: 'operational', newStatus: 'degraded_performance' },
      { oldStatus: 'degraded_performance', newStatus: 'partial_outage' },
      { oldStatus: 'partial_outage', newStatus: 'operational' },
      { oldStatus: 'operational', newStatus: 'no_data' },
    ]);
  });
});

describe('automatic incidents under staff control', () => {
  let draftSite: RunningSite;
  let draftDb: Database.Database;
  let cursor = Math.floor((Date.now() - 5 * 60_000) / WINDOW) * WINDOW;

  beforeAll(async () => {
    const isolated = isolatedSite('auto-draft');
    const setup = new Database(isolated.DATABASE_URL.replace(/^file:/, ''));
    setup.prepare('UPDATE ComponentMetricRule SET noDataAfterS = 3600').run();
    // Staff have set メール送信 by hand; the rule of メール受信 still runs.
    setup.prepare("UPDATE ComponentMetricRule SET componentId = (SELECT id FROM Component WHERE slug = 'mail-outbound') WHERE componentId = (SELECT id FROM Component WHERE slug = 'mail-inbound')").run();
    setup.prepare("UPDATE Component SET overrideStatus = 'under_maintenance', status = 'under_maintenance' WHERE slug = 'mail-outbound'").run();
    setup.close();
    draftSite = await startSite({ ...isolated, AUTO_PUBLISH: 'false', RULE_TICK_SECONDS: '1' });
    draftDb = new Database(isolated.DATABASE_URL.replace(/^file:/, ''), { readonly: true });
  });
  afterAll(async () => {
    draftDb?.close();
    await draftSite?.stop();
  });

  it('a staff-set status wins over the rule until cleared, and no incident is opened over it', async () => {
    const rollups = Array.from({ length: 4 }, (_, i) => makeRollup('mx-draft', new Date((cursor += WINDOW)), [minutes(20), minutes(20)]));
    const res = await fetch(`${draftSite.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups }),
    });
    expect(res.status).toBe(200);
    const outbound = draftDb.prepare("SELECT status FROM Component WHERE slug = 'mail-outbound'").get() as { status: string };
    expect(outbound.status).toBe('under_maintenance');
    // The rule did see the delay (its own state), but changed nothing customers see.
    const rule = draftDb.prepare('SELECT ruleStatus FROM ComponentMetricRule').get() as { ruleStatus: string };
    expect(rule.ruleStatus).toBe('degraded_performance');
    expect(draftDb.prepare("SELECT COUNT(*) n FROM Incident WHERE source = 'auto'").get()).toEqual({ n: 0 });
  });

  it('with AUTO_PUBLISH=false an automatic incident is kept as a draft, off the public pages', async () => {
    const writable = new Database(draftSite.databaseUrl.replace(/^file:/, ''));
    writable.prepare("UPDATE Component SET overrideStatus = NULL WHERE slug = 'mail-outbound'").run();
    writable.prepare("UPDATE ComponentMetricRule SET ruleStatus = 'operational'").run();
    writable.close();
    const rollups = Array.from({ length: 3 }, () => makeRollup('mx-draft', new Date((cursor += WINDOW)), [minutes(20), minutes(20)]));
    await fetch(`${draftSite.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups }),
    });
    const incident = draftDb.prepare("SELECT slug, published FROM Incident WHERE source = 'auto'").get() as { slug: string; published: number };
    expect(incident.published).toBe(0);
    expect((await fetch(`${draftSite.url}/incidents/${incident.slug}`)).status).toBe(404);
    expect(await (await fetch(`${draftSite.url}/`)).text()).not.toContain('メール送信の遅延');
  });
});
