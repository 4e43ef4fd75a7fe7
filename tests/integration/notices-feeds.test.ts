import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../support/site';

// RSS and Atom feeds of the incident history, read by an independent parser (fast-xml-parser),
// against the production server with the 2014 report imported from content/.
let site: RunningSite;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.stop();
});

async function get(path: string) {
  const res = await fetch(`${site.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), xml: await res.text() };
}
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('history feeds', () => {
  it('serves RSS 2.0 at /history.rss with one item per update of the 2014 incident', async () => {
    const { status, type, xml } = await get('/history.rss');
    expect(status).toBe(200);
    expect(type).toBe('application/rss+xml; charset=utf-8');
    const rss = parser.parse(xml).rss;
    expect(rss['@version']).toBe('2.0');
    // Other incidents may be imported too: this test follows the 2014 one.
    const items = asArray(rss.channel.item).filter((i: { link: string }) => i.link.endsWith('/incidents/2014-12-02-mail-delay'));
    expect(items).toHaveLength(8);
    const guids = items.map((i: { guid: { '#text': string } | string }) => (typeof i.guid === 'string' ? i.guid : i.guid['#text']));
    expect(new Set(guids).size).toBe(8);
    for (const g of guids) expect(g).toMatch(new RegExp(`^${site.url}/incidents/2014-12-02-mail-delay#update-`));
    // Newest first: the resolution on December 9, 2014, 15:00 JST.
    expect(items[0].title).toContain('復旧');
    expect(new Date(items[0].pubDate).toISOString()).toBe('2014-12-09T06:00:00.000Z');
    expect(items[0].link).toBe(`${site.url}/incidents/2014-12-02-mail-delay`);
    expect(new Date(items.at(-1).pubDate).toISOString()).toBe('2014-12-02T02:00:00.000Z');
  });

  it('serves Atom at /history.atom and English at /en/history.atom, with ids, updated dates and links', async () => {
    const { status, type, xml } = await get('/en/history.atom');
    expect(status).toBe(200);
    expect(type).toBe('application/atom+xml; charset=utf-8');
    const feed = parser.parse(xml).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(Date.parse(feed.updated)).toBeGreaterThanOrEqual(Date.parse('2014-12-09T06:00:00Z'));
    const entries = asArray(feed.entry).filter((e: { id: string }) => e.id.includes('/incidents/2014-12-02-mail-delay#'));
    expect(entries).toHaveLength(8);
    expect(entries[0].title['#text'] ?? entries[0].title).toMatch(/Report and apology .* – Resolved/);
    expect(asArray(entries[0].link)[0]['@href']).toBe(`${site.url}/en/incidents/2014-12-02-mail-delay`);
    expect(entries.every((e: { id: string }) => e.id.startsWith(`${site.url}/en/incidents/2014-12-02-mail-delay#update-`))).toBe(true);
    expect((await get('/history.atom')).status).toBe(200);
  });

  it('narrows to one component with ?component=<slug> and refuses unknown ones', async () => {
    const mail = parser.parse((await get('/history.rss?component=mail-inbound')).xml).rss.channel;
    expect(asArray(mail.item).filter((i: { link: string }) => i.link.endsWith('/2014-12-02-mail-delay'))).toHaveLength(8);
    expect(mail.title).toContain('メール受信');
    // The 2014 incident did not touch DNS.
    const dns = parser.parse((await get('/history.rss?component=dns')).xml).rss.channel;
    expect(asArray(dns.item).filter((i: { link: string }) => i.link.endsWith('/2014-12-02-mail-delay'))).toHaveLength(0);
    expect((await get('/history.atom?component=no-such-thing')).status).toBe(404);
    expect((await get('/history.rss?component=%3Cscript%3E')).status).toBe(404);
  });

  it('is announced on every public page with <link rel="alternate">', async () => {
    for (const path of ['/', '/history', '/en/incidents/2014-12-02-mail-delay', '/subscribe']) {
      const html = await (await fetch(`${site.url}${path}`)).text();
      expect(html, path).toMatch(/<link rel="alternate" type="application\/rss\+xml" href="[^"]*\/history\.rss"/);
      expect(html, path).toMatch(/<link rel="alternate" type="application\/atom\+xml" href="[^"]*\/history\.atom"/);
    }
  });
});
