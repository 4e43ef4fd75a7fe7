import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { startMailSink, type MailSink, type ReceivedMail } from '../support/mail-sink';
import { startNoticeWorker, type RunningWorker } from '../support/notice-worker';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

// The console's notice preview is the mail: staff preview a notice in the console, send it, and
// the copy each subscriber receives (read from a real SMTP server, parsed by mailparser and
// decoded part by part) has the same subject, text part and HTML part, byte for byte, but for
// the subscriber's own token in the unsubscribe and manage links.
let site: RunningSite;
let worker: RunningWorker;
let sink: MailSink;
let db: TestDatabase;
let browser: Browser;
let staff: BrowserContext;
let page: Page;
const common = { NOTICE_TOKEN_SECRET: 'notice-preview-secret-0123456789abcdef', NOTICE_FROM_ADDRESS: 'status@tayori.test' };

beforeAll(async () => {
  sink = await startMailSink();
  const isolated = isolatedSite('notice-preview');
  db = openDatabase(isolated.DATABASE_URL);
  for (const lang of ['ja', 'en']) await db.subscriber.create({ data: { email: `reader-${lang}@example.test`, lang, status: 'active', allComponents: true, confirmedAt: new Date() } });
  site = await startSite({ ...isolated, ...common, SMTP_URL: sink.url, RULE_TICK_SECONDS: '1' }, { worker: false });
  worker = startNoticeWorker({ ...isolated, ...common, SMTP_URL: sink.url, SITE_URL: site.url, RULE_TICK_SECONDS: '1' });
  browser = await launchChromium();
  staff = await signedInContext(browser, site.databaseUrl, site.url, 'editor@example.com', 'editor');
  page = await staff.newPage();
});
afterAll(async () => {
  await browser?.close();
  await worker?.kill();
  await db?.$disconnect();
  await site?.stop();
  await sink?.stop();
});

interface Parts {
  subject: string;
  text: string;
  html: string;
}

/** The preview as the console shows it: the subject, the text part and the HTML part's document. */
async function previewed(lang: 'ja' | 'en'): Promise<Parts> {
  const preview = page.locator('[data-notice-preview]');
  return {
    subject: (await preview.locator(`[data-subject="${lang}"]`).textContent()) ?? '',
    text: (await preview.locator(`[data-notice-text="${lang}"]`).textContent()) ?? '',
    html: (await preview.locator(`[data-notice-html="${lang}"]`).getAttribute('srcdoc')) ?? '',
  };
}

/** A MIME part of the raw message, decoded from base64 without any normalisation. */
function rawPart(raw: string, type: 'text/plain' | 'text/html'): string {
  const match = new RegExp(`Content-Type: ${type.replace('/', '\\/')}; charset=utf-8\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\n([A-Za-z0-9+/=\\r\\n]+?)\\r\\n--`).exec(raw);
  if (!match) throw new Error(`no ${type} part`);
  return Buffer.from(match[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
}

// Each subscriber's links carry their own token: the one thing the preview cannot know.
const sameToken = (s: string) => s.replace(/token=[^\s"&<>]+/g, 'token=TOKEN');

function expectSameMail(mail: ReceivedMail, preview: Parts) {
  expect(mail.parsed.subject).toBe(preview.subject);
  expect(sameToken(rawPart(mail.raw, 'text/plain'))).toBe(sameToken(preview.text));
  expect(sameToken(rawPart(mail.raw, 'text/html'))).toBe(sameToken(preview.html));
  // And as mailparser reads it (line ends normalised).
  expect(sameToken(mail.parsed.text ?? '')).toBe(sameToken(preview.text.replace(/\r\n/g, '\n')));
  expect(sameToken(String(mail.parsed.html))).toBe(sameToken(preview.html));
}

/** Times in a notice are to the minute: start the preview early enough in one to send within it. */
async function earlyInAMinute() {
  const second = new Date().getSeconds();
  if (second > 40) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
}

async function mailTo(address: string, subject: string): Promise<ReceivedMail> {
  return sink.waitFor((m) => m.to === address && m.parsed.subject === subject, `${subject} to ${address}`, 60_000);
}

const BODY_JA = [
  '送信メールに**遅延**が発生しています。',
  '',
  '| サーバー | 最大遅延 |',
  '| --- | ---: |',
  '| smtp1 | 約12分 |',
  '| 送信サーバー2 | 約3分 |',
  '',
  '- 受信には影響ありません',
  '- 詳細は[状況ページ](https://status.example/outbound)をご覧ください',
].join('\n');
const BODY_EN = 'Outbound mail is **delayed**.\n\n1. Inbound mail is not affected\n2. See [the status page](https://status.example/outbound)';

describe('the console notice preview', () => {
  it('shows the opening notice of a new incident exactly as subscribers receive it, with the real incident link', async () => {
    await page.goto(`${site.url}/admin/incidents/new`);
    await page.getByLabel('タイトル（日本語）').fill('メール送信の遅延 <b>速報</b>');
    await page.getByLabel('タイトル（英語）').fill('Outbound mail delays & <b>more</b>');
    await page.getByLabel('本文（日本語・Markdown）').fill(`${BODY_JA}\n\n`);
    await page.getByLabel('本文（英語・Markdown）').fill(BODY_EN);
    const outbound = await db.component.findUniqueOrThrow({ where: { slug: 'mail-outbound' } });
    await page.locator(`select[name="component:${outbound.id}"]`).selectOption('degraded_performance');
    await earlyInAMinute();
    await page.getByRole('button', { name: '送信内容と宛先数を確認' }).click();
    await page.locator('[data-notice-html="en"]').waitFor();
    const preview = { ja: await previewed('ja'), en: await previewed('en') };
    await page.getByLabel('お客様に公開される内容を確認しました').check();
    await page.getByRole('button', { name: '登録する' }).click();
    await page.waitForURL((url) => /\/admin\/incidents\/[a-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));

    const incident = await db.incident.findFirstOrThrow({ where: { titleEn: 'Outbound mail delays & <b>more</b>' } });
    expect(preview.ja.text).toContain(`${site.url}/incidents/${incident.slug}`);
    expect(preview.en.text).toContain(`${site.url}/en/incidents/${incident.slug}`);
    expectSameMail(await mailTo('reader-ja@example.test', preview.ja.subject), preview.ja);
    expectSameMail(await mailTo('reader-en@example.test', preview.en.subject), preview.en);

    // The text part reads as text: the table aligned, list items, links as URLs, no trailing spaces.
    expect(preview.ja.subject).toBe('【障害発生】メール送信の遅延 <b>速報</b>');
    expect(preview.ja.text).toContain(['サーバー       最大遅延', '-------------  --------', `smtp1${' '.repeat(12)}約12分`, `送信サーバー2${' '.repeat(5)}約3分`].join('\r\n'));
    expect(preview.ja.text).toContain('- 詳細は状況ページ (https://status.example/outbound)をご覧ください\r\n');
    expect(preview.en.text).toContain('1. Inbound mail is not affected\r\n2. See the status page (https://status.example/outbound)\r\n');
    for (const p of [preview.ja, preview.en]) {
      expect(p.text.split('\r\n').filter((line) => line !== line.trimEnd())).toEqual([]);
      expect(p.text).not.toMatch(/\*\*|\| ---/);
    }
  });

  it('shows an update exactly as subscribers receive it', async () => {
    await page.getByRole('combobox', { name: '状況' }).selectOption('identified');
    await page.getByLabel('本文（日本語・Markdown）').first().fill('原因を特定しました。\n\n- smtp1 の**再起動**\n- 監視の強化');
    await page.getByLabel('本文（英語・Markdown）').first().fill('We found the cause: see <https://status.example/cause>.');
    await earlyInAMinute();
    await page.getByRole('button', { name: '送信内容と宛先数を確認' }).click();
    await page.locator('[data-notice-html="en"]').waitFor();
    const preview = { ja: await previewed('ja'), en: await previewed('en') };
    expect(preview.ja.subject).toBe('【続報】メール送信の遅延 <b>速報</b>');
    await page.getByLabel('お客様に公開される内容を確認しました').first().check();
    await page.getByRole('button', { name: '投稿する' }).click();
    expectSameMail(await mailTo('reader-ja@example.test', preview.ja.subject), preview.ja);
    expectSameMail(await mailTo('reader-en@example.test', preview.en.subject), preview.en);
    expect(preview.ja.text).toContain('■ 現在の状況\r\n原因を特定しました。\r\n\r\n- smtp1 の再起動\r\n- 監視の強化\r\n');
    expect(preview.en.text).toContain('We found the cause: see https://status.example/cause.');
  });
});
