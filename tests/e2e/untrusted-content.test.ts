import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { attribute, documentProblems, elements, fragmentProblems, isInside, parseDocument, textOf, type MarkupNode } from '../support/inert-markup';
import { startMailSink, type MailSink } from '../support/mail-sink';
import { startNoticeWorker, type RunningWorker } from '../support/notice-worker';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';
import { payloadBody, payloadTitle, XSS_PAYLOADS } from '../support/xss-corpus';

// Every payload of the corpus goes into an incident's titles and updates, and all of them into a
// published report, through the functions the console's actions call, against a real database.
// Then every output is read back from the running production server, the notice worker's mail
// and webhook deliveries: pages (also in Chromium, where a payload that ran would open a dialog),
// both feeds in both languages, notice HTML and text, webhook JSON, the widget and the API.
let site: RunningSite;
let worker: RunningWorker;
let sink: MailSink;
let db: TestDatabase;
let browser: Browser;
let receiver: Server;
const hooks: { event: string; body: string }[] = [];

const LANGS = ['ja', 'en'] as const;
type Lang = (typeof LANGS)[number];
const prefix = (lang: Lang) => (lang === 'en' ? '/en' : '');
const common = { NOTICE_TOKEN_SECRET: 'untrusted-content-secret-0123456789ab', NOTICE_FROM_ADDRESS: 'status@tayori.test', WEBHOOK_ALLOW_LOOPBACK: 'true' };

interface Created {
  slug: string;
  title: Record<Lang, string>;
  resolved: boolean;
}
const created: Created[] = [];
const allTitles = () => created.flatMap((c) => [c.title.ja, c.title.en]);

const REPORT_INDEX = XSS_PAYLOADS.findIndex((p) => p.name === 'CDATA and title breakout');

/** A report with the numbered sections of the template, every payload spread over them. */
function hostileReport(lang: Lang): string {
  const headings = lang === 'ja' ? ['発生日時', '事象', '原因', '影響範囲', '対処', '今後の対策'] : ['When it happened', 'What happened', 'Cause', 'Scope', 'What we did', 'Countermeasures'];
  const per = Math.ceil(XSS_PAYLOADS.length / headings.length);
  return headings
    .map((h, s) => `## ${s + 1}. ${h}\n\n${XSS_PAYLOADS.slice(s * per, (s + 1) * per).map((p) => `- ${p.name}: ${p.text.replace(/\n+/g, ' ')}\n\n${p.text}`).join('\n\n')}`)
    .join('\n\n');
}

beforeAll(async () => {
  sink = await startMailSink();
  const port = await freePort();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooks.push({ event: String(req.headers['x-tayori-event']), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));

  const isolated = isolatedSite('untrusted-content');
  db = openDatabase(isolated.DATABASE_URL);
  const now = new Date();
  for (const lang of LANGS) {
    await db.subscriber.create({ data: { email: `reader-${lang}@example.test`, lang, status: 'active', allComponents: true, confirmedAt: now } });
    await db.webhookEndpoint.create({
      data: { url: `http://127.0.0.1:${port}/hook`, secret: `whsec_${randomBytes(16).toString('hex')}`, status: 'active', lang, allComponents: true, manageTokenHash: randomBytes(32).toString('hex'), confirmedAt: now },
    });
  }
  site = await startSite({ ...isolated, ...common, SMTP_URL: sink.url, RULE_TICK_SECONDS: '1' }, { worker: false });
  worker = startNoticeWorker({ ...isolated, ...common, SMTP_URL: sink.url, SITE_URL: site.url, RULE_TICK_SECONDS: '1' });

  // The console's actions call these lib functions; they read the configuration at import.
  Object.assign(process.env, { ...common, DATABASE_URL: isolated.DATABASE_URL, SITE_URL: site.url });
  const admin = await import('../../lib/incidents/admin');
  const { createIncidentNotice } = await import('../../lib/notices/enqueue');
  const webmail = await db.component.findUniqueOrThrow({ where: { slug: 'webmail' } });

  for (let i = 0; i < XSS_PAYLOADS.length; i++) {
    const title = { ja: payloadTitle(i, 'ja'), en: payloadTitle(i, 'en') };
    const { incident, update } = await admin.createIncident(
      {
        titleJa: title.ja,
        titleEn: title.en,
        impact: 'minor',
        status: 'investigating',
        bodyJa: payloadBody(i, 'ja'),
        bodyEn: payloadBody(i, 'en'),
        components: [{ componentId: webmail.id, status: i % 2 ? 'partial_outage' : 'degraded_performance' }],
        published: true,
        notify: true,
      },
      `xss-${String(i).padStart(2, '0')}`,
    );
    await createIncidentNotice(incident.id, update.id, 'incident_opened');
    const resolving = i === REPORT_INDEX;
    const next = await admin.postIncidentUpdate(incident.id, { status: resolving ? 'resolved' : 'identified', bodyJa: payloadBody(i, 'ja'), bodyEn: payloadBody(i, 'en'), components: [], notify: true });
    await createIncidentNotice(incident.id, next.update.id);
    if (resolving) {
      await admin.saveReport(incident.id, hostileReport('ja'), hostileReport('en'));
      await admin.publishReport(incident.id);
      await createIncidentNotice(incident.id, null, 'incident_report');
    }
    created.push({ slug: incident.slug, title, resolved: resolving });
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await worker?.kill();
  await db?.$disconnect();
  await site?.stop();
  await sink?.stop();
  await new Promise((r) => receiver?.close(r));
});

async function fetchText(path: string): Promise<string> {
  const res = await fetch(`${site.url}${path}`);
  expect(res.status, path).toBe(200);
  return res.text();
}

/** Text that must read as plain text: apart from the literal titles, nothing in it may parse as live markup. */
function textProblems(text: string): string[] {
  let rest = text;
  for (const t of allTitles().toSorted((a, b) => b.length - a.length)) rest = rest.split(t).join(' ');
  return fragmentProblems(rest);
}

/** Every string in a JSON document, with its path. */
function* strings(value: unknown, path = '$'): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

function jsonProblems(document: unknown): string[] {
  const problems: string[] = [];
  for (const [path, value] of strings(document)) for (const p of textProblems(value)) problems.push(`${path}: ${p}`);
  return problems;
}

// The site's own elements on a public page: Next.js scripts and the head's <meta>/<link>/<style>.
function siteChrome(el: MarkupNode): boolean {
  if (isInside(el, 'main')) return false;
  const tag = el.tagName;
  if (tag === 'script') {
    const src = attribute(el, 'src');
    if (src !== undefined) return src.startsWith('/_next/');
    // Turbopack's chunk list and the React Server Components payload, which Next.js escapes.
    return /^\s*(\(globalThis\["TURBOPACK"\]|\(self\.__next_f\s*=|self\.__next_f\.push\(\[)/.test(textOf(el));
  }
  if (tag === 'meta' || tag === 'link' || tag === 'style') return isInside(el, 'head');
  return false;
}

// Markup written by staff lands in these containers (UpdateBody, the report's .prose): there even
// the site's own kinds of elements (an <svg> icon) would be injected.
function inUserContent(el: MarkupNode): boolean {
  for (let p = el.parentNode; p; p = p.parentNode) if (/\b(update-body|prose)\b/.test(attribute(p, 'class') ?? '')) return true;
  return false;
}

function pageProblems(path: string, html: string): string[] {
  const allow = (el: MarkupNode) => siteChrome(el) || (el.tagName === 'svg' && !inUserContent(el));
  return documentProblems(html, { allow }).map((p) => `${path}: ${p}`);
}

/** Fails with the first findings spelled out (vitest would cut a long array short). */
function expectNone(problems: string[]) {
  expect(problems.length ? `${problems.length} problems, the first:\n${problems.slice(0, 25).join('\n')}` : '').toBe('');
}

async function waitForPages() {
  const deadline = Date.now() + 60_000;
  const last = created.at(-1)!;
  for (;;) {
    const html = await (await fetch(`${site.url}/history`)).text();
    if (html.includes(`/incidents/${last.slug}`)) return;
    if (Date.now() > deadline) throw new Error('the history page never listed the new incidents');
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('hostile incident text, in every output', () => {
  it('leaves the public pages inert in both languages, with the titles as literal text', async () => {
    await waitForPages();
    const problems: string[] = [];
    for (const lang of LANGS) {
      for (const path of ['/', '/history', '/history/2']) problems.push(...pageProblems(`${prefix(lang)}${path}`, await fetchText(`${prefix(lang)}${path}`)));
      for (const c of created) {
        const path = `${prefix(lang)}/incidents/${c.slug}`;
        const html = await fetchText(path);
        problems.push(...pageProblems(path, html));
        const doc = parseDocument(html);
        expect(textOf(elements(doc, 'h1')[0]!), path).toBe(c.title[lang]);
        expect(textOf(elements(doc, 'title')[0]!), path).toContain(c.title[lang]);
      }
    }
    expectNone(problems);
  });

  it('runs nothing when Chromium opens the pages', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`);
      void d.dismiss();
    });
    for (const lang of LANGS) {
      for (const path of ['/', '/history', ...created.map((c) => `/incidents/${c.slug}`)]) await page.goto(`${site.url}${prefix(lang)}${path}`, { waitUntil: 'load' });
    }
    await page.waitForTimeout(500);
    await page.close();
    expect(dialogs).toEqual([]);
  });

  it('keeps both feeds in both languages well-formed, their HTML sanitised and their titles plain text', async () => {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', processEntities: true, htmlEntities: false });
    const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const text = (v: unknown): string => (typeof v === 'object' && v !== null ? String((v as Record<string, unknown>)['#text'] ?? '') : String(v ?? ''));
    const problems: string[] = [];
    for (const lang of LANGS) {
      const titles = created.map((c) => c.title[lang]);
      const rssPath = `${prefix(lang)}/history.rss`;
      const rss = await fetchText(rssPath);
      expect(XMLValidator.validate(rss), rssPath).toBe(true);
      const items = asArray(parser.parse(rss).rss.channel.item) as Record<string, unknown>[];
      const ours = items.filter((item) => /\/incidents\/xss-\d\d$/.test(text(item.link)));
      expect(ours.length, rssPath).toBe(created.length * 2);
      for (const item of ours) {
        const title = text(item.title);
        expect(titles.some((t) => title.startsWith(`${t} – `)), `${rssPath} title ${title}`).toBe(true);
        for (const field of ['description', 'content:encoded']) problems.push(...fragmentProblems(text(item[field])).map((p) => `${rssPath} ${field}: ${p}`));
      }

      const atomPath = `${prefix(lang)}/history.atom`;
      const atom = await fetchText(atomPath);
      expect(XMLValidator.validate(atom), atomPath).toBe(true);
      const entries = (asArray(parser.parse(atom).feed.entry) as Record<string, unknown>[]).filter((e) => /\/incidents\/xss-\d\d#/.test(text(e.id)));
      expect(entries.length, atomPath).toBe(created.length * 2);
      for (const entry of entries) {
        const titleNode = entry.title as Record<string, string> | string;
        const type = typeof titleNode === 'object' ? (titleNode['@type'] ?? 'text') : 'text';
        expect(type, `${atomPath} title type`).toBe('text');
        expect(titles.some((t) => text(titleNode).startsWith(`${t} – `)), `${atomPath} title ${text(titleNode)}`).toBe(true);
        for (const field of ['summary', 'content']) {
          const node = entry[field] as Record<string, string> | undefined;
          if (!node) continue;
          const html = (typeof node === 'object' ? node['@type'] : 'text') === 'html';
          problems.push(...(html ? fragmentProblems(text(node)) : textProblems(text(node))).map((p) => `${atomPath} ${field}: ${p}`));
        }
      }
    }
    expectNone(problems);
  });

  it('sends notices whose HTML part is sanitised and whose text part carries no markup, with the titles literal', async () => {
    const expected = created.length * 2 + 1;
    for (const lang of LANGS) await sink.waitFor(() => sink.messages.filter((m) => m.to === `reader-${lang}@example.test`).length >= expected, `${expected} notices to the ${lang} reader`, 90_000);
    const problems: string[] = [];
    for (const mail of sink.messages) {
      const lang: Lang = mail.to.startsWith('reader-en') ? 'en' : 'ja';
      const subject = mail.parsed.subject ?? '';
      expect(created.some((c) => subject.endsWith(c.title[lang])), subject).toBe(true);
      const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : '';
      const allowHead = (el: MarkupNode) => el.tagName === 'meta' && isInside(el, 'head') && attribute(el, 'charset') !== undefined;
      problems.push(...documentProblems(html, { allow: allowHead }).map((p) => `${mail.to} ${subject} html: ${p}`));
      problems.push(...textProblems(mail.parsed.text ?? '').map((p) => `${mail.to} ${subject} text: ${p}`));
      const doc = parseDocument(html);
      const title = created.find((c) => subject.endsWith(c.title[lang]))!.title[lang];
      expect(elements(doc, 'td').some((td) => textOf(td) === title), `${subject}: the title as text in the HTML part`).toBe(true);
    }
    expectNone(problems);
  });

  it('posts webhook JSON whose text fields carry no markup', async () => {
    const deadline = Date.now() + 60_000;
    while ((await db.webhookDelivery.count({ where: { status: { in: ['pending', 'sending'] } } })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    const incidents = hooks.filter((h) => h.event === 'incident');
    expect(incidents.length).toBe((created.length * 2 + 1) * 2);
    const problems: string[] = [];
    for (const h of hooks) {
      const json = JSON.parse(h.body);
      problems.push(...jsonProblems(json).map((p) => `webhook ${h.event}: ${p}`));
      if (h.event === 'incident') {
        const lang: Lang = json.meta.language;
        expect(created.some((c) => c.title[lang] === json.incident.name), json.incident.name).toBe(true);
      }
    }
    expectNone(problems);
  });

  it('serves API documents whose text fields carry no markup, in both languages', async () => {
    const problems: string[] = [];
    for (const doc of ['summary', 'status', 'components', 'incidents', 'incidents/unresolved', 'scheduled-maintenances', 'scheduled-maintenances/upcoming', 'scheduled-maintenances/active']) {
      for (const query of ['', '?lang=en']) {
        const path = `/api/v2/${doc}.json${query}`;
        problems.push(...jsonProblems(JSON.parse(await fetchText(path))).map((p) => `${path} ${p}`));
      }
    }
    const unresolved = JSON.parse(await fetchText('/api/v2/incidents/unresolved.json?lang=en')).incidents as { name: string; incident_updates: { body: string }[] }[];
    const names = new Set(unresolved.map((i) => i.name));
    expect(created.filter((c) => !c.resolved).every((c) => names.has(c.title.en))).toBe(true);
    expectNone(problems);
  });

  it('shows the widget on another site with the titles as text and nothing run', async () => {
    const port = await freePort();
    const host = createServer((req, res) => {
      const lang = req.url === '/en.html' ? 'en' : 'ja';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title></head><body><script src="${site.url}/embed.js" data-lang="${lang}"></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
    const page: Page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()} ${d.message()}`);
      void d.dismiss();
    });
    try {
      for (const lang of LANGS) {
        await page.goto(`http://127.0.0.1:${port}/${lang}.html`);
        await page.locator('.tayori-status-incident').first().waitFor();
        const shown = await page.locator('.tayori-status-incident').allTextContents();
        for (const c of created.filter((x) => !x.resolved)) expect(shown, c.slug).toContain(c.title[lang]);
        expect(await page.locator('.tayori-status script, .tayori-status img, .tayori-status iframe, .tayori-status svg').count()).toBe(0);
      }
      await page.waitForTimeout(500);
    } finally {
      await page.close();
      await new Promise((r) => host.close(r));
    }
    expect(dialogs).toEqual([]);
  });
});
