import { createServer, type Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { makeRollup } from '../support/rollups';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';

// One Statuspage contract: what a webhook says about an incident, a component and the page is,
// field for field, what /api/v2 says about them at the same moment, in Japanese and in English.
// Driven through the product's own paths: measured mail delay pushed to the ingest API opens an
// automatic incident, a longer delay updates it, recovery moves it to monitoring; the site's
// worker delivers the webhooks to two endpoints registered through the subscribe form.
let site: RunningSite;
let receiver: Server;
let db: TestDatabase;
const token = inject('ingestToken');

type Lang = 'ja' | 'en';
interface Received {
  lang: Lang;
  event: string;
  json: Record<string, any>;
}
const received: Received[] = [];
const hookUrl: Record<Lang, string> = { ja: '', en: '' };

beforeAll(async () => {
  const port = await freePort();
  hookUrl.ja = `http://127.0.0.1:${port}/hook/ja`;
  hookUrl.en = `http://127.0.0.1:${port}/hook/en`;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ lang: req.url === '/hook/en' ? 'en' : 'ja', event: String(req.headers['x-tayori-event']), json: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));

  const isolated = isolatedSite('statuspage-contract');
  db = openDatabase(isolated.DATABASE_URL);
  await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
  // A component in no group is not on the status page (a probe staff are still setting up), so
  // its outage is in neither the page's banner nor the API's indicator: nor may it be in a webhook's.
  await db.component.create({ data: { slug: 'internal-probe', nameJa: '社内プローブ', nameEn: 'Internal probe', status: 'major_outage' } });
  site = await startSite({
    ...isolated,
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    NOTICE_TOKEN_SECRET: 'contract-secret-0123456789abcdef0123',
    SMTP_URL: 'smtp://127.0.0.1:9',
    NOTICE_POLL_MS: '100',
    AUTO_RESOLVE_MINUTES: '600',
  });

  for (const lang of ['ja', 'en'] as const) {
    await submitForm(`${site.url}${lang === 'en' ? '/en' : ''}/subscribe?channel=webhook`, 'webhook-form', [['url', hookUrl[lang]], ['scope', 'all']]);
    const confirmation = await until(async () => received.find((r) => r.lang === lang && r.event === 'confirmation'), `the ${lang} confirmation request`);
    expect((await fetch(confirmation.json.confirm_url, { method: 'POST' })).status).toBe(200);
  }
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
  await new Promise((r) => receiver?.close(r));
});

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${received.map((r) => `${r.lang}:${r.event}`).join(', ')}\n${site.workerOutput()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const WINDOW = 10_000;
// Back-dated windows (minutes of traffic pushed in seconds), all old enough to be judged at once.
const base = Math.floor((Date.now() - 9 * 60_000) / WINDOW) * WINDOW;
let next = 0;
async function push(delaySeconds: number, windows: number) {
  const rollups = [];
  for (let i = 0; i < windows; i++, next++) rollups.push(makeRollup('mx-contract', new Date(base + next * WINDOW), Array(20).fill(delaySeconds)));
  const res = await fetch(`${site.url}/api/ingest/mail-metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ rollups }) });
  expect(res.status).toBe(200);
}

async function api(path: string, lang: Lang) {
  const res = await fetch(`${site.url}${path}${lang === 'en' ? '?lang=en' : ''}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

/** The webhooks of the incident's update number `updates`, and of the component it changed, in `lang`. */
async function webhooks(lang: Lang, updates: number, newStatus: string) {
  const incident = await until(async () => received.find((r) => r.lang === lang && r.event === 'incident' && r.json.incident.incident_updates.length === updates), `the ${lang} incident webhook of update ${updates}`);
  const component = await until(async () => received.find((r) => r.lang === lang && r.event === 'component' && r.json.component_update.new_status === newStatus), `the ${lang} component webhook to ${newStatus}`);
  return { incidentHook: incident.json, componentHook: component.json };
}

/** What the webhooks should equal: the API's page, incident and component (without its uptime figure). */
async function apiObjects(lang: Lang, incidentId: string, componentId: string) {
  const [incidents, components, status] = await Promise.all(['/api/v2/incidents.json', '/api/v2/components.json', '/api/v2/status.json'].map((p) => api(p, lang)));
  const incident = incidents.incidents.find((i: { id: string }) => i.id === incidentId);
  // Tayori's uptime figure is on the component lists only; an incident's components do not carry it either.
  const { tayori_uptime: uptime, ...component } = components.components.find((c: { id: string }) => c.id === componentId);
  return {
    page: { id: status.page.id, status_indicator: status.status.indicator, status_description: status.status.description },
    pageIds: [incidents.page.id, components.page.id],
    incident,
    component,
    uptime,
  };
}

async function expectSameAsApi(lang: Lang, updates: number, change: { old_status: string; new_status: string }) {
  const { incidentHook, componentHook } = await webhooks(lang, updates, change.new_status);
  // The documents are refreshed a moment after the change (each from its own cached copy): the
  // API of the webhook's moment is the one that shows its update and has settled.
  const deadline = Date.now() + 30_000;
  let shown = await apiObjects(lang, incidentHook.incident.id, componentHook.component.id);
  while (
    !(isDeepStrictEqual(shown.incident, incidentHook.incident) && isDeepStrictEqual(shown.component, componentHook.component) && isDeepStrictEqual(shown.page, incidentHook.page)) &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 250));
    shown = await apiObjects(lang, incidentHook.incident.id, componentHook.component.id);
  }

  // The page: the API's id, and the indicator and words of status.json (and of the page's banner).
  expect(incidentHook.page).toEqual(shown.page);
  expect(componentHook.page).toEqual(shown.page);
  expect(shown.pageIds).toEqual([shown.page.id, shown.page.id]);
  // The incident: the very object incidents.json lists.
  expect(incidentHook.incident).toEqual(shown.incident);
  // The component: the object components.json lists, and the incident lists.
  expect(shown.uptime).toBeDefined();
  expect(componentHook.component).toEqual(shown.component);
  expect(shown.incident.components).toEqual([shown.component]);
  // The change itself, as the update that announced it records it.
  const announced = shown.incident.incident_updates[0];
  expect(announced.affected_components).toEqual([{ code: shown.component.id, name: shown.component.name, ...change }]);
  expect(componentHook.component_update).toMatchObject({ component_id: shown.component.id, created_at: announced.display_at, ...change });
  return shown.page;
}

describe('a webhook and the API at the same moment', () => {
  it('agree on an incident as it opens and on the component it degrades, in both languages', async () => {
    await push(2, 3);
    await push(12 * 60, 2);
    for (const lang of ['ja', 'en'] as const) {
      const page = await expectSameAsApi(lang, 1, { old_status: 'operational', new_status: 'degraded_performance' });
      // The page's banner: the probe outside any group is down, and neither counts it.
      expect(page.status_indicator).toBe('minor');
    }
  });

  it('agree on an update that raises the impact and the outage it announces', async () => {
    await push(45 * 60, 2);
    for (const lang of ['ja', 'en'] as const) await expectSameAsApi(lang, 2, { old_status: 'degraded_performance', new_status: 'partial_outage' });
  });

  it('agree on recovery: monitoring, with the component operational again', async () => {
    await push(2, 31);
    for (const lang of ['ja', 'en'] as const) await expectSameAsApi(lang, 3, { old_status: 'partial_outage', new_status: 'operational' });
  });
});
