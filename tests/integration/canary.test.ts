// The end-to-end canary against the bundled MTA, as `npm start` runs them: the worker sends a test
// message every 5 s over SMTP as an outside sender would and finds it in the canary's Maildir.
// A quiet night: the mail store stops taking new mail (the canary's mailbox cannot be written) and
// no customer mail comes in, so the MTA's own figures see one waiting message at a time, which
// never turns a status (tests/integration/false-outage.test.ts); the missing canary does, and the
// status recovers once mail gets through again. Thresholds are seconds here so minutes fit.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';
import { DEMO, startMta, tempDir, waitFor, type MtaProcess } from './mta/helpers';

const THRESHOLD_S = 15;
const MISSING_AFTER_S = 15;
let site: RunningSite;
let mta: MtaProcess;
let db: TestDatabase;
let canaryDir: string;

const inboundStatus = async () => (await db.component.findUniqueOrThrow({ where: { slug: 'mail-inbound' }, select: { status: true } })).status;
const diagnostics = () => `worker said:\n${site.workerOutput().slice(-3000)}`;

beforeAll(async () => {
  const isolated = isolatedSite('canary');
  db = openDatabase(isolated.DATABASE_URL);
  await db.componentMetricRule.updateMany({ where: { metric: 'mail_delay' }, data: { degradedAboveS: THRESHOLD_S, partialAboveS: THRESHOLD_S * 20, majorAboveS: THRESHOLD_S * 60, leaveAfterS: 20, noDataAfterS: 3600 } });
  const dataDir = tempDir('canary');
  canaryDir = path.join(dataDir, 'mail', DEMO, 'canary');
  const smtpPort = await freePort();
  site = await startSite({
    ...isolated,
    DATA_DIR: dataDir,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    RULE_TICK_SECONDS: '1',
    AUTO_RESOLVE_MINUTES: '600',
    CANARY_ENABLED: 'true',
    CANARY_INTERVAL_S: '5',
    CANARY_MISSING_AFTER_MIN: String(MISSING_AFTER_S / 60),
  });
  mta = await startMta({
    dataDir,
    smtpPort,
    env: {
      MTA_ROLLUP_PUSH: 'on',
      SITE_URL: site.url,
      INGEST_TOKEN: inject('ingestToken'),
      MTA_SOURCE_ID: 'mx-canary',
      // Deferred mail is tried again within seconds, so recovery shows soon after the fix.
      MTA_BACKOFF_MIN_S: '2',
      MTA_BACKOFF_MAX_S: '4',
    },
  });
});

afterAll(async () => {
  await site?.stop();
  await mta?.stop();
  await db?.$disconnect();
});

describe('the end-to-end canary', () => {
  it('measures each test message from SMTP to the mailbox and charts it beside the MTA’s own figures', async () => {
    const arrived = await waitFor(
      'three canaries in the mailbox',
      async () => {
        const probes = await db.canaryProbe.findMany({ where: { arrivedAt: { not: null } } });
        return probes.length >= 3 ? probes : undefined;
      },
      60_000,
      500,
    ).catch((error) => Promise.reject(new Error(`${error.message}\n${diagnostics()}`)));
    for (const p of arrived) {
      const trip = (p.arrivedAt!.getTime() - p.sentAt.getTime()) / 1000;
      expect(trip).toBeGreaterThanOrEqual(0);
      expect(trip).toBeLessThan(5);
      expect(p.recipient).toBe(`canary@${DEMO}`);
      expect(p.junk).toBe(false);
    }
    // Found and taken out: the canary's mailbox does not fill up.
    await waitFor('the mailbox emptied', () => fs.readdirSync(path.join(canaryDir, 'new')).length === 0, 10_000, 200);
    // One probe per interval.
    const slots = (await db.canaryProbe.findMany({ select: { slot: true } })).map((p) => p.slot);
    expect(new Set(slots).size).toBe(slots.length);

    for (const lang of ['', '/en']) {
      const html = await waitFor('the canary on the chart', async () => {
        const page = await (await fetch(`${site.url}${lang}/components/mail-inbound`)).text();
        return page.includes('line-canary') ? page : undefined;
      }, 60_000, 2000);
      expect(html).toContain(lang ? 'Test message sent from outside' : '外部から送った試験メール');
    }
  });

  it('turns メール受信 red when the canary stays missing on a quiet night, and green again once mail gets through', async () => {
    expect(await inboundStatus()).toBe('operational');
    // The mail store stops taking new mail (a file where the Maildir's tmp/ should be): every
    // delivery to the mailbox fails and is tried again later; reading the mailbox still works.
    fs.rmSync(path.join(canaryDir, 'tmp'), { recursive: true, force: true });
    fs.writeFileSync(path.join(canaryDir, 'tmp'), 'the disk is full');
    const brokenAt = Date.now();

    await waitFor('メール受信 no longer operational', async () => (await inboundStatus()) !== 'operational', 120_000, 500).catch((error) =>
      Promise.reject(new Error(`${error.message}\n${diagnostics()}`)),
    );
    const turnedAfterS = (Date.now() - brokenAt) / 1000;
    expect(turnedAfterS).toBeGreaterThan(MISSING_AFTER_S);
    const change = await db.componentStatusChange.findFirstOrThrow({ where: { cause: 'rule', component: { slug: 'mail-inbound' }, newStatus: { not: 'no_data' } } });
    expect(change.newStatus).toBe('degraded_performance');
    const incident = await db.incident.findFirstOrThrow({ where: { source: 'auto' }, include: { updates: true } });
    expect(incident.status).not.toBe('resolved');
    // The MTA saw only the canaries waiting: too few to count as a backlog by its own figures.
    const { json } = await mta.api('GET', '/api/queue');
    const waiting = json.messages.filter((m: { to: string[] }) => m.to.includes(`canary@${DEMO}`));
    expect(waiting.length).toBeGreaterThan(0);
    expect(json.messages.length).toBeLessThan(10);

    // The store takes mail again: the waiting canaries are delivered, the status recovers.
    fs.rmSync(path.join(canaryDir, 'tmp'), { force: true });
    fs.mkdirSync(path.join(canaryDir, 'tmp'), { mode: 0o700 });
    await waitFor('メール受信 operational again', async () => (await inboundStatus()) === 'operational', 120_000, 500).catch((error) =>
      Promise.reject(new Error(`${error.message}\n${diagnostics()}`)),
    );
    const late = await db.canaryProbe.findMany({ where: { sentAt: { gte: new Date(brokenAt) }, arrivedAt: { not: null } } });
    expect(late.some((p) => p.arrivedAt!.getTime() - p.sentAt.getTime() > MISSING_AFTER_S * 1000)).toBe(true);
  });
});
