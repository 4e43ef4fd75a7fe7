import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../../support/database';
import { copyDatabase, startSite, type RunningSite } from '../../support/site';
import { createStaff, formOf, PASSWORD, signIn, submit } from './client';

// Finding 5: the console's CSRF check compared the host alone, so a form posted with
// `Origin: https://…` to the http:// site created an incident. Scheme, host and port count now;
// the other refusals here held before and must keep holding.

let site: RunningSite;
let db: TestDatabase;
let adminCookie: string;
let editorCookie: string;

beforeAll(async () => {
  site = await startSite({ RULE_TICK_SECONDS: '300', DATABASE_URL: copyDatabase('origin') });
  db = openDatabase(site.databaseUrl);
  await createStaff(site, 'origin-admin@example.test', 'admin');
  await createStaff(site, 'origin-editor@example.test', 'editor');
  adminCookie = (await signIn(site.url, 'origin-admin@example.test', PASSWORD)).cookie!;
  editorCookie = (await signIn(site.url, 'origin-editor@example.test', PASSWORD)).cookie!;
  expect(adminCookie && editorCookie).toBeTruthy();
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
});

/** The new-incident form as the admin's page has it, filled in and posted with `origin`. */
async function postIncident(title: string, origin: string | null, cookie = adminCookie) {
  const page = `${site.url}/admin/incidents/new`;
  const hidden = await formOf(page, { containing: 'name="titleJa"', headers: { cookie: adminCookie } });
  const fields: [string, string][] = [
    ['titleJa', title],
    ['titleEn', title],
    ['impact', 'minor'],
    ['status', 'investigating'],
    ['bodyJa', '調査中です。'],
    ['bodyEn', 'Investigating.'],
    ['publish', 'draft'],
  ];
  return submit(page, hidden, fields, { headers: { cookie, origin: origin ?? '' } });
}

const incidents = (title: string) => db.incident.count({ where: { titleEn: title } });

describe('console forms and the Origin header', () => {
  it('the site’s own origin creates the incident', async () => {
    const answer = await postIncident('Same origin', site.url);
    expect(answer.status).toBe(303);
    expect(await incidents('Same origin')).toBe(1);
  });

  it('https:// posted to the http:// site is refused and creates nothing', async () => {
    const origin = site.url.replace('http://', 'https://');
    const answer = await postIncident('Other scheme', origin);
    // forbidden() in a form posted without JavaScript: Next.js answers with the not-found page, 404.
    expect([403, 404]).toContain(answer.status);
    expect(await incidents('Other scheme')).toBe(0);
  });

  it('another port, another host, "null" or no Origin at all are refused too', async () => {
    const port = new URL(site.url).port;
    for (const origin of [`http://127.0.0.1:${Number(port) + 1}`, `http://localhost:${port}`, 'http://evil.example', 'null', null]) {
      const title = `Origin ${origin ?? '(none)'}`;
      const answer = await postIncident(title, origin);
      expect(answer.status, title).toBeGreaterThanOrEqual(400);
      expect(await incidents(title), title).toBe(0);
    }
  });

  it('an editor’s session cannot use an admin’s forms', async () => {
    const invite = `${site.url}/admin/staff`;
    const hidden = await formOf(invite, { containing: 'name="role"', headers: { cookie: adminCookie } });
    const answer = await submit(invite, hidden, [['email', 'smuggled@example.test'], ['role', 'admin']], { headers: { cookie: editorCookie } });
    expect([403, 404]).toContain(answer.status);
    expect(await db.staffUser.count({ where: { email: 'smuggled@example.test' } })).toBe(0);
    // The same form with the admin's session does what it says, so the 403 above is the role's.
    const allowed = await submit(invite, hidden, [['email', 'invited@example.test'], ['role', 'editor']], { headers: { cookie: adminCookie } });
    expect(allowed.status).toBeLessThan(400);
    expect(await db.staffUser.count({ where: { email: 'invited@example.test' } })).toBe(1);
  });
});
