import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { startNoticeWorker, type RunningWorker } from '../support/notice-worker';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';

// Chat channels against local receivers standing in for Slack and Discord (on loopback, which
// WEBHOOK_ALLOW_LOOPBACK lets through the SSRF guard in tests only): registration through the
// subscribe page's form, the first message carrying the confirm link, an incident opened the way
// the console opens it, exactly one message per channel and notice in the channel's language, a
// 429 with Retry-After retried no sooner than asked, and a 404 disabling the channel.
let site: RunningSite;
let worker: RunningWorker;
let db: TestDatabase;
let lib: { admin: typeof import('../../lib/incidents/admin'); enqueue: typeof import('../../lib/notices/enqueue') };

interface Received {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  json: Record<string, any>;
  answered: number;
}

/** A platform's incoming webhook: answers from `script` in turn, then `normal`. */
function platform(normal: { status: number; body: string }) {
  const received: Received[] = [];
  const script: { status: number; body: string; headers?: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = JSON.parse(body);
      // Scripted answers are for notices; a confirmation request is always taken.
      const answer = (!/confirm\?token=/.test(body) && script.shift()) || normal;
      received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, json, answered: answer.status });
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer as { headers?: Record<string, string> }).headers }).end(answer.body);
    });
  });
  return { server, received, script, accepted: () => received.filter((r) => r.answered < 300) };
}

const slack = platform({ status: 200, body: 'ok' });
const discord = platform({ status: 204, body: '' });
let slackUrl = '';
let discordUrl = '';
let discordRemovalToken = '';

beforeAll(async () => {
  for (const [p, set] of [
    [slack, (port: number) => (slackUrl = `http://127.0.0.1:${port}/services/T0CHAT/B0CHAT/slacksecret0123456789`)],
    [discord, (port: number) => (discordUrl = `http://127.0.0.1:${port}/api/webhooks/123456789/discord-token_0123`)],
  ] as const) {
    const port = await freePort();
    await new Promise<void>((resolve) => p.server.listen(port, '127.0.0.1', resolve));
    set(port);
  }
  const isolated = isolatedSite('notices-chat');
  db = openDatabase(isolated.DATABASE_URL);
  // No metric arrives in this test: no component goes to "no data" and opens an incident of its own.
  await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
  const env = { ...isolated, WEBHOOK_ALLOW_LOOPBACK: 'true', NOTICE_TOKEN_SECRET: 'chat-secret-0123456789abcdef0123456789', AUTO_RESOLVE_MINUTES: '600' };
  site = await startSite({ ...env, SMTP_URL: 'smtp://127.0.0.1:9' }, { worker: false });
  worker = startNoticeWorker({ ...env, SITE_URL: site.url, SMTP_URL: 'smtp://127.0.0.1:9', WEBHOOK_RETRY_BASE_SECONDS: '0.2' });
  // The console's actions call these lib functions; they read the configuration at import.
  Object.assign(process.env, { DATABASE_URL: isolated.DATABASE_URL, SITE_URL: site.url, WEBHOOK_ALLOW_LOOPBACK: 'true' });
  lib = { admin: await import('../../lib/incidents/admin'), enqueue: await import('../../lib/notices/enqueue') };
});
afterAll(async () => {
  await worker?.kill();
  await db?.$disconnect();
  await site?.stop();
  for (const p of [slack, discord]) await new Promise((r) => p.server.close(r));
});

async function until<T>(read: () => T | undefined | false | Promise<T | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; slack got ${slack.received.map((r) => r.answered)}, discord ${discord.received.map((r) => r.answered)}\n${worker.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 1500));

async function openIncident() {
  const mail = await db.component.findUniqueOrThrow({ where: { slug: 'mail-inbound' } });
  const { incident, update } = await lib.admin.createIncident(
    {
      titleJa: '受信メールの遅延',
      titleEn: 'Inbound mail delayed',
      impact: 'major',
      status: 'investigating',
      bodyJa: '受信メールが**最大30分**遅れています。<script>alert(1)</script>',
      bodyEn: 'Inbound mail is delayed by **up to 30 minutes**.',
      components: [{ componentId: mail.id, status: 'partial_outage' }],
      published: true,
      notify: true,
    },
    'chat-mail-delay',
  );
  await lib.enqueue.createIncidentNotice(incident.id, update.id, 'incident_opened');
  return incident;
}

describe('chat channels', () => {
  it("refuses a URL that is not the chosen platform's, in both languages, storing nothing", async () => {
    const en = await submitForm(`${site.url}/en/subscribe?channel=webhook`, 'webhook-form', [['format', 'slack'], ['url', 'https://discord.com/api/webhooks/1/abc'], ['scope', 'all']]);
    expect(en.html).toContain('Enter a Slack incoming-webhook URL (https://hooks.slack.com/services/…).');
    const ja = await submitForm(`${site.url}/subscribe?channel=webhook`, 'webhook-form', [['format', 'discord'], ['url', 'https://hooks.slack.com/services/T0/B0/abc'], ['scope', 'all']]);
    expect(ja.html).toContain('Discord の Webhook の URL(https://discord.com/api/webhooks/…)を入力してください。');
    expect(await db.webhookEndpoint.count()).toBe(0);
  });

  it('registers a Slack (Japanese) and a Discord (English) channel; each gets a first message whose link confirms it', async () => {
    const slackForm = await submitForm(`${site.url}/subscribe?channel=webhook`, 'webhook-form', [['format', 'slack'], ['url', slackUrl], ['scope', 'all']]);
    const discordForm = await submitForm(`${site.url}/en/subscribe?channel=webhook`, 'webhook-form', [['format', 'discord'], ['url', discordUrl], ['scope', 'all']]);
    // The URL is the channel's credential: shown back masked, no signing secret for chat.
    const shown = /data-testid="webhook-shown-url">([^<]+)</.exec(slackForm.html)?.[1];
    expect(shown).toBe('http://127.0.0.1:' + new URL(slackUrl).port + '/services/T…/B…/****');
    expect(slackForm.html).not.toContain('slacksecret0123456789');
    expect(slackForm.html).not.toContain('data-testid="webhook-secret"');
    discordRemovalToken = /data-testid="webhook-manage-token">([^<]+)</.exec(discordForm.html)?.[1] ?? '';
    expect(discordRemovalToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect((await db.webhookEndpoint.findMany({ orderBy: { createdAt: 'asc' } })).map((e) => [e.format, e.lang, e.status])).toEqual([
      ['slack', 'ja', 'pending'],
      ['discord', 'en', 'pending'],
    ]);

    const slackFirst = await until(() => slack.received[0], 'the Slack confirmation message');
    const discordFirst = await until(() => discord.received[0], 'the Discord confirmation message');
    // Chat platforms ignore signatures: none is sent.
    expect(slackFirst.headers['x-tayori-signature']).toBeUndefined();
    expect(slackFirst.json.blocks[0].text.text).toContain('通知の受信を確認してください');
    const slackConfirm = slackFirst.json.blocks.at(-1).elements[0].url as string;
    expect(slackConfirm).toMatch(/\/api\/webhooks\/confirm\?token=/);
    const discordConfirm = discordFirst.json.embeds[0].url as string;
    expect(discordFirst.json.embeds[0].title).toContain('Confirm to start receiving notices');

    // Opening the link shows the page; its button POSTs.
    expect((await fetch(slackConfirm)).status).toBe(200);
    expect((await db.webhookEndpoint.findFirstOrThrow({ where: { format: 'slack' } })).status).toBe('pending');
    for (const url of [slackConfirm, discordConfirm]) expect(await (await fetch(url, { method: 'POST' })).json()).toEqual({ result: 'confirmed' });
    expect((await db.webhookEndpoint.findMany()).map((e) => e.status)).toEqual(['active', 'active']);
  });

  it('sends exactly one message per channel and notice, in its language, retrying a 429 no sooner than Retry-After', async () => {
    discord.script.push({ status: 429, body: '{"message": "You are being rate limited.", "retry_after": 1.2, "global": false}', headers: { 'retry-after': '2' } });
    const before = { slack: slack.accepted().length, discord: discord.accepted().length };
    const incident = await openIncident();

    const slackMessage = await until(() => slack.accepted()[before.slack], 'the Slack incident message');
    const discordMessage = await until(() => discord.accepted()[before.discord], 'the retried Discord incident message');
    const limited = discord.received.find((r) => r.answered === 429)!;
    expect(discordMessage.at - limited.at).toBeGreaterThanOrEqual(2000);
    expect(discordMessage.headers['x-tayori-delivery']).toBe(limited.headers['x-tayori-delivery']);

    // Slack in Japanese, Block Kit; the update's markdown as plain text, its HTML gone.
    expect(slackMessage.json.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🟠 【障害発生】受信メールの遅延', emoji: true } });
    // (The pipeline drops the tags of raw HTML and keeps its text, as in the mail's text part.)
    expect(slackMessage.json.blocks[1].text.text).toBe('受信メールが最大30分遅れています。alert(1)');
    expect(JSON.stringify(slackMessage.json)).not.toContain('<script');
    expect(slackMessage.json.blocks[2].elements.map((e: { text: string }) => e.text)).toContain('*状況:* 調査中');
    expect(slackMessage.json.blocks[3].elements[0].url).toBe(`${site.url}/incidents/${incident.slug}`);
    // Discord in English, one embed.
    const embed = discordMessage.json.embeds[0];
    expect(embed.title).toBe('🟠 [Incident] Inbound mail delayed');
    expect(embed.url).toBe(`${site.url}/en/incidents/${incident.slug}`);
    expect(embed.fields).toContainEqual({ name: 'Affected services', value: 'Mail reception (Partial outage)', inline: true });

    // An update: one more message each, and nothing twice.
    const update = await lib.admin.postIncidentUpdate(incident.id, { status: 'identified', bodyJa: '原因を特定しました。', bodyEn: 'We found the cause.', components: [], notify: true });
    await lib.enqueue.createIncidentNotice(incident.id, update.update.id);
    await lib.enqueue.createIncidentNotice(incident.id, update.update.id); // a retried call creates no second notice
    await until(() => slack.accepted().length === before.slack + 2 && discord.accepted().length === before.discord + 2, 'the update messages');
    await settle();
    expect(slack.accepted().length).toBe(before.slack + 2);
    expect(discord.accepted().length).toBe(before.discord + 2);
    expect(slack.accepted().at(-1)!.json.blocks[0].text.text).toBe('🟠 【続報】受信メールの遅延');
    expect(discord.accepted().at(-1)!.json.embeds[0].title).toBe('🟠 [Update] Inbound mail delayed');
  });

  it('disables a channel whose platform answers 404 (the webhook was deleted); it receives nothing more', async () => {
    slack.script.push({ status: 404, body: 'no_service' });
    const incident = await db.incident.findFirstOrThrow({ where: { slug: { contains: 'chat-mail-delay' } } });
    const resolved = await lib.admin.postIncidentUpdate(incident.id, { status: 'resolved', bodyJa: '復旧しました。', bodyEn: 'Resolved.', components: [], notify: true });
    await lib.enqueue.createIncidentNotice(incident.id, resolved.update.id);
    await until(() => slack.received.at(-1)?.answered === 404, 'the 404 from Slack');
    const disabled = await until(async () => {
      const e = await db.webhookEndpoint.findFirstOrThrow({ where: { format: 'slack' } });
      return e.status === 'disabled' && e;
    }, 'the Slack channel disabled');
    const failed = await until(() => db.webhookDelivery.findFirst({ where: { endpointId: disabled.id, status: 'failed' } }), 'the failed delivery');
    expect(failed!.lastError).toMatch(/HTTP 404.*disabled/);
    // Discord, still there, hears of the recovery.
    await until(() => discord.accepted().at(-1)?.json.embeds[0].title === '🟢 [Resolved] Inbound mail delayed', 'the Discord recovery message');

    // The next incident reaches Discord only.
    const slackCount = slack.received.length;
    const discordCount = discord.accepted().length;
    await openIncident();
    await until(() => discord.accepted().length === discordCount + 1, 'the next Discord message');
    await settle();
    expect(slack.received.length).toBe(slackCount);
    expect(await db.webhookDelivery.count({ where: { endpointId: disabled.id, status: { in: ['pending', 'sending'] } } })).toBe(0);
  });

  it('tells chat channels of maintenance, which Statuspage-format webhooks do not carry', async () => {
    const dns = await db.component.findUniqueOrThrow({ where: { slug: 'dns' } });
    const before = discord.accepted().length;
    await lib.enqueue.enqueueMaintenanceNotice({
      key: 'chat-dns-maintenance',
      kind: 'maintenance_announced',
      titleJa: 'DNS サーバーの入れ替え',
      titleEn: 'DNS server replacement',
      startsAt: new Date('2030-01-10T17:00:00Z'),
      endsAt: new Date('2030-01-10T19:00:00Z'),
      bodyJa: '作業中は応答が遅くなる場合があります。',
      bodyEn: 'Answers may be slow during the work.',
      componentIds: [dns.id],
      path: '/',
    });
    const message = await until(() => discord.accepted()[before], 'the maintenance message');
    expect(message.json.embeds[0]).toMatchObject({ title: '🔧 [Maintenance] DNS server replacement', color: 0x1d4ed8 });
    expect(message.json.embeds[0].fields).toContainEqual(expect.objectContaining({ name: 'Period' }));
  });

  it('removes a chat channel with the removal token shown at registration, as a webhook', async () => {
    const res = await fetch(`${site.url}/api/webhooks/remove?token=${discordRemovalToken}`, { method: 'POST' });
    expect(await res.json()).toEqual({ removed: true });
    expect(await db.webhookEndpoint.count({ where: { format: 'discord' } })).toBe(0);
  });
});
