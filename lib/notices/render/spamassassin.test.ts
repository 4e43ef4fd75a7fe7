import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';

// Every mail the site and the worker send, in both languages, scored by Debian's SpamAssassin with
// its local rules only (no network tests), as a receiving provider's filter would see it leave:
// the notices built by the worker's own functions with each copy's headers, the confirmations
// composed by nodemailer as the site's transport sends them, both DKIM-signed as by default
// (lib/smtp/transport.ts). A rule that hits is fixed in the message, never here.

// The site's settings before any module reads them (lib/env.ts parses process.env once, on import).
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tayori-sa-'));
Object.assign(process.env, {
  SITE_URL: 'https://status.example.jp',
  NOTICE_FROM_ADDRESS: '',
  NOTICE_REPLY_TO: '',
  NOTICE_UNSUBSCRIBE_MAILTO: '',
  NOTICE_TOKEN_SECRET: 'spamassassin-test-secret-0123456789abcdef',
  DATA_DIR: dataDir,
});

const { renderIncidentNotices } = await import('./incident-notice');
const { renderMaintenanceNotice } = await import('./templates');
const { noticeCopy, prepareNotice, messageIdDomain } = await import('./notice-mail');
const { subscriberLinks } = await import('../../subscribers/links');
const { composeDirectMail } = await import('../../mime/direct-mail');
const { confirmationMail, alreadySubscribedMail } = await import('../../subscribers/confirmation-mail');
const { NOTICE_KINDS } = await import('../../status/notice-kinds');
const { dkimOptions } = await import('../../smtp/transport');

const SPAMASSASSIN = '/usr/bin/spamassassin';
const MAX_SCORE = 1.0;
const run = promisify(execFile);

const report = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../../../content/incidents', name), 'utf8').replace(/^---[\s\S]*?\n---\n/, '');

const components = [
  { id: 'c1', nameJa: 'メール受信', nameEn: 'Mail reception', position: 1 },
  { id: 'c2', nameJa: 'メール送信', nameEn: 'Mail sending', position: 2 },
];
const startedAt = new Date(Date.now() - 3 * 3600_000);

interface Sample {
  kind: string;
  lang: 'ja' | 'en';
  raw: string;
}

/** Signs as lib/smtp/sender.ts and the site's transport do: nodemailer's DKIM with the default key. */
const dkim = dkimOptions();
const signer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(dkim ? { dkim } : {}) });

async function sent(message: Parameters<typeof signer.sendMail>[0]): Promise<string> {
  const info = await signer.sendMail(message);
  return (info.message as Buffer).toString('utf8');
}

async function incidentMails(): Promise<Sample[]> {
  const copies = (['incident_opened', 'incident_update', 'incident_resolved', 'incident_report'] as const).flatMap((kind) => {
    const rendered = renderIncidentNotices(kind, {
      slug: '2026-12-06-mail-delay',
      titleJa: 'メール受信の遅延',
      titleEn: 'Delays in mail reception',
      startedAt,
      resolvedAt: kind === 'incident_resolved' || kind === 'incident_report' ? new Date() : null,
      maxDelayMinutes: 42,
      components,
      update: {
        bodyJa: 'スパムメールの大量送信により、迷惑メールフィルタの処理が遅れています。メールは失われておらず、順次配送しております。',
        bodyEn: 'A flood of spam slowed down the spam filters. No mail is lost; it is being delivered in order.',
        displayAt: new Date(),
      },
      reportJa: report('2014-12-02-mail-delay.md'),
      reportEn: report('2014-12-02-mail-delay.en.md'),
    });
    return (['ja', 'en'] as const).map(async (lang) => ({ kind, lang, raw: await workerCopy(kind, rendered[lang], lang) }));
  });
  return Promise.all(copies);
}

async function maintenanceMails(): Promise<Sample[]> {
  const copies = (['maintenance_announced', 'maintenance_started', 'maintenance_completed'] as const).flatMap((kind) =>
    (['ja', 'en'] as const).map(async (lang) => {
      const rendered = renderMaintenanceNotice(
        {
          kind,
          siteName: { ja: 'Tayori ステータス', en: 'Tayori Status' },
          titleJa: 'メールサーバーの定期メンテナンス',
          titleEn: 'Scheduled mail server maintenance',
          startsAt: new Date(Date.now() + 24 * 3600_000),
          endsAt: new Date(Date.now() + 26 * 3600_000),
          components,
          bodyJa: 'メンテナンス中は、メールの送受信が数分間遅れる場合があります。',
          bodyEn: 'During the maintenance, sending and receiving mail may be delayed by a few minutes.',
          url: { ja: 'https://status.example.jp/maintenance/2026-12-07-mail', en: 'https://status.example.jp/en/maintenance/2026-12-07-mail' },
        },
        lang,
        'Asia/Tokyo',
      );
      return { kind, lang, raw: await workerCopy(kind, rendered, lang) };
    }),
  );
  return Promise.all(copies);
}

/** A copy as lib/notices/worker.ts builds it: the prepared notice, the subscriber's links and Message-ID. */
async function workerCopy(kind: string, content: { subject: string; text: string; html: string }, lang: 'ja' | 'en'): Promise<string> {
  const noticeId = 'cmiu3k7x20001qz8l5d0f9h2a';
  const subscriberId = 'cmiu3k7x20002qz8lb1c4r6ne';
  const messageId = `<${noticeId}.${subscriberId}@${messageIdDomain()}>`;
  const prepared = prepareNotice(content, lang, { id: noticeId, kind });
  const copy = noticeCopy(prepared, `customer-${lang}@example.ne.jp`, messageId, subscriberLinks(subscriberId, 1, lang), { subscriberId, noticeId });
  return sent({ envelope: copy.envelope, raw: copy.raw });
}

/** The subscribe form's two mails, through nodemailer as lib/smtp/transport.ts sends them. */
async function subscriptionMails(): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const lang of ['ja', 'en'] as const) {
    const to = `customer-${lang}@example.ne.jp`;
    for (const [kind, content] of [
      ['confirmation', confirmationMail(lang, 'Jx1c9KpQ2vR7tL0mZ8aB4nW6yE3sD5fG1hU7iO2pA9k')],
      ['already_subscribed', alreadySubscribedMail(lang, `https://status.example.jp${lang === 'en' ? '/en' : ''}/subscriptions/manage?token=abc`)],
    ] as const) {
      samples.push({ kind, lang, raw: await sent(composeDirectMail(content, lang, to)) });
    }
  }
  return samples;
}

interface Score {
  score: number;
  rules: { name: string; points: number }[];
}

/** `spamassassin -t -L`: local tests only, no Bayes, user preferences from an empty file. */
async function scoreMessage(raw: string, dir: string, name: string): Promise<Score> {
  const file = path.join(dir, `${name}.eml`);
  writeFileSync(file, raw);
  const prefs = path.join(dir, 'user_prefs');
  const { stdout } = await run('sh', ['-c', `exec "$0" -t -L -p "$1" --cf='use_bayes 0' < "$2"`, SPAMASSASSIN, prefs, file], { maxBuffer: 16 << 20 });
  const total = /Content analysis details:\s+\((-?[\d.]+) points/.exec(stdout);
  if (!total) throw new Error(`no SpamAssassin report for ${name}:\n${stdout.slice(-2000)}`);
  const table = stdout.slice(stdout.indexOf('---- ----'));
  const rules = [...table.matchAll(/^\s*(-?\d+\.\d+)\s+([A-Z0-9_]+)\s/gm)].map((m) => ({ name: m[2]!, points: Number(m[1]) }));
  return { score: Number(total[1]), rules };
}

/** At most `width` spamassassin processes at a time (each takes about a second, mostly loading its rules). */
async function inPool<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(!existsSync(SPAMASSASSIN))('SpamAssassin (local rules, no network tests)', () => {
  it(`scores every notice kind and the subscription mails, in Japanese and English, at or below ${MAX_SCORE}`, { timeout: 90_000 }, async () => {
    const samples = [...(await incidentMails()), ...(await maintenanceMails()), ...(await subscriptionMails())];
    // Signed as a default install signs.
    expect(samples.every((s) => /^DKIM-Signature: .*d=status\.example\.jp/m.test(s.raw))).toBe(true);
    // Every kind the worker can send is here.
    for (const kind of NOTICE_KINDS) expect(samples.filter((s) => s.kind === kind).map((s) => s.lang)).toEqual(['ja', 'en']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tayori-sa-mail-'));
    writeFileSync(path.join(dir, 'user_prefs'), '');
    try {
      const scores = await inPool(samples, 2, (s, i) => scoreMessage(s.raw, dir, `${i}-${s.kind}-${s.lang}`));
      samples.forEach((s, i) => {
        const { score, rules } = scores[i]!;
        console.log(`spamassassin ${s.kind} ${s.lang} score=${score} rules=${rules.map((r) => `${r.name}(${r.points})`).join(',') || '-'}`);
      });
      const over = samples.map((s, i) => ({ kind: s.kind, lang: s.lang, ...scores[i]! })).filter((s) => s.score > MAX_SCORE);
      expect(over).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
