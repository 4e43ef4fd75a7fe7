// Nothing but a real inbound backlog turns メール受信 red, and a real one does: the site and the
// bundled MTA as separate processes, the MTA pushing its rollups, real SMTP conversations. The
// rule's first threshold is 15 s here (as in the short replay) so that minutes fit in seconds.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';
import { DEMO, startMta, waitFor, type MtaProcess } from './mta/helpers';

const THRESHOLD_S = 15;
let site: RunningSite;
let mta: MtaProcess;
let db: TestDatabase;
let traffic: NodeJS.Timeout | undefined;
let sent = 0;

const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true });
const statusOf = async (slug: string) => (await db.component.findUniqueOrThrow({ where: { slug }, select: { status: true } })).status;
const ruleChanges = () => db.componentStatusChange.findMany({ where: { cause: 'rule', newStatus: { not: 'no_data' } }, select: { newStatus: true, component: { select: { slug: true } } } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const isolated = isolatedSite('false-outage');
  db = openDatabase(isolated.DATABASE_URL);
  await db.componentMetricRule.updateMany({ where: { metric: 'mail_delay' }, data: { degradedAboveS: THRESHOLD_S, partialAboveS: THRESHOLD_S * 5, majorAboveS: THRESHOLD_S * 30, leaveAfterS: 30, noDataAfterS: 3600 } });
  const smtpPort = await freePort();
  site = await startSite({ ...isolated, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, RULE_TICK_SECONDS: '1', AUTO_RESOLVE_MINUTES: '600' });
  // A scan stage of 10 messages a second, so that a burst makes a real backlog later on.
  mta = await startMta({
    smtpPort,
    env: {
      // Loopback trusted, as MTA_TRUSTED_NETWORKS must now say (no network is by default): the
      // site here does not share the MTA's data directory (and so its submission credential), and
      // the healthy traffic, a message a second from 127.0.0.1, must not be rate-limited or blocked.
      MTA_TRUSTED_NETWORKS: '127.0.0.1/32',
      MTA_ROLLUP_PUSH: 'on',
      SITE_URL: site.url,
      INGEST_TOKEN: inject('ingestToken'),
      MTA_SOURCE_ID: 'mx-false-outage',
      MTA_BACKOFF_MIN_S: '3600',
      MTA_SCAN_CONCURRENCY: '1',
      MTA_BUILTIN_SCAN_COST_MS: '100',
    },
  });
  // Healthy traffic throughout: one message a second to a mailbox that works.
  traffic = setInterval(() => {
    sent++;
    void transport().sendMail({ from: 'partner@example.org', to: `user1@${DEMO}`, subject: `hello ${sent}`, text: 'x' }).catch(() => undefined);
  }, 1000);
});

afterAll(async () => {
  clearInterval(traffic);
  await mta?.stop();
  await site?.stop();
  await db?.$disconnect();
});

describe('false outages', () => {
  it('a confirmation to an unreachable domain, relayed mail deferred for minutes and one stuck inbound message leave every status green', async () => {
    // 1. An anonymous subscription whose confirmation cannot be delivered (no MX for the domain).
    const subscribed = await submitForm(`${site.url}/subscribe`, 'subscribe-form', [['email', 'someone@nowhere.invalid'], ['noticeLang', 'ja'], ['scope', 'all']]);
    expect(subscribed.status).toBe(200);
    // 2. Two relayed messages to an outside domain that cannot be reached.
    for (const n of [1, 2]) await transport().sendMail({ from: `info@${DEMO}`, to: `customer${n}@unreachable.invalid`, subject: 'invoice', text: 'x' });
    // 3. One inbound message stuck: its mailbox cannot be written (a file where its directory should be).
    const mailbox = path.join(mta.dataDir, 'mail', DEMO, 'user3');
    fs.mkdirSync(path.dirname(mailbox), { recursive: true });
    fs.writeFileSync(mailbox, 'not a maildir');
    await transport().sendMail({ from: 'partner@example.org', to: `user3@${DEMO}`, subject: 'stuck', text: 'x' });

    const queue = await waitFor('four messages deferred', async () => {
      const { json } = await mta.api('GET', '/api/queue');
      const deferred = json.messages.filter((m: { state: string }) => m.state === 'deferred');
      return deferred.length === 4 ? deferred : undefined;
    }, 30_000, 500);
    expect(queue.flatMap((m: { to: string[] }) => m.to).sort()).toEqual([`customer1@unreachable.invalid`, 'customer2@unreachable.invalid', 'someone@nowhere.invalid', `user3@${DEMO}`]);

    // Four times the threshold, with healthy traffic: a rule judging by the oldest waiting message
    // would turn メール受信 red after the threshold and two windows.
    await sleep((THRESHOLD_S * 4 + 20) * 1000);
    const inboundRule = await db.componentMetricRule.findFirstOrThrow({ where: { component: { slug: 'mail-inbound' } } });
    expect(inboundRule.lastDataAt!.getTime()).toBeGreaterThan(Date.now() - 30_000); // the rule did see fresh windows
    expect(await statusOf('mail-inbound')).toBe('operational');
    expect(await statusOf('mail-outbound')).toBe('operational');
    expect(await ruleChanges()).toEqual([]);
    expect(await db.incident.count({ where: { source: 'auto' } })).toBe(0);
    // The stuck mail is on record, in its own flow, for staff.
    const outbound = await db.mailMetricRollup.findFirstOrThrow({ where: { flow: 'outbound', queueDepth: 3 }, orderBy: { windowStart: 'desc' } });
    expect(JSON.parse(outbound.topDestinations!).map((d: { domain: string }) => d.domain).sort()).toEqual(['nowhere.invalid', 'unreachable.invalid']);
    const inbound = await db.mailMetricRollup.findFirstOrThrow({ where: { flow: 'inbound', queueDepth: { gte: 1 } }, orderBy: { windowStart: 'desc' } });
    expect(inbound.oldestAgeS).toBeGreaterThan(THRESHOLD_S * 3);
    // The public API agrees.
    const components = (await (await fetch(`${site.url}/api/v2/components.json`)).json()) as { components: Array<{ name: string; status: string }> };
    expect(components.components.find((c) => c.name === 'メール受信')?.status).toBe('operational');
  }, 240_000);

  it('a real inbound backlog still opens an incident, within the replay’s figures', async () => {
    // 400 messages at once against a scan stage of 10 a second: 40 s to drain.
    const startedAt = Date.now();
    const burst = transport();
    await Promise.all(Array.from({ length: 400 }, (_, i) => burst.sendMail({ from: `sender${i % 40}@partner.example`, to: `user${(i % 2) + 1}@${DEMO}`, subject: `burst ${i}`, text: 'x' })));
    const incident = await waitFor('the automatic incident', () => db.incident.findFirst({ where: { source: 'auto', autoComponentId: { not: null } }, include: { components: { include: { component: true } } } }), 90_000, 500);
    // Mail passed the threshold about THRESHOLD_S after the burst; two 10-second windows and the
    // judging delay later the incident is open (the replay measures 19–25 s).
    expect((Date.now() - startedAt) / 1000).toBeLessThan(THRESHOLD_S + 60);
    expect(incident.components.map((c) => c.component.slug)).toEqual(['mail-inbound']);
    expect(await statusOf('mail-inbound')).not.toBe('operational');
    expect(await statusOf('mail-outbound')).toBe('operational');
  }, 180_000);
});
