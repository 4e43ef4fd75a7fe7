import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../../support/database';
import { isolatedSite, startSite, type RunningSite } from '../../support/site';

// An image in markdown is fetched by every reader's browser (or mail client) the moment the page or
// notice is shown: from another host it is a tracking pixel. Images from the site itself stay
// images; any other becomes a plain link that reads as its alt text, on the page and in the feeds.
let site: RunningSite;
let db: TestDatabase;
const SLUG = 'pixel-in-update';
const SITE_URL = 'https://status.example.test';

const BODY_JA = [
  '受信が遅れています。',
  '',
  '![追跡画像](https://evil.example/pixel.gif)',
  '',
  '![プロトコル相対](//evil.example/relative.gif) と ![参照画像][ref]',
  '',
  '![サイトのロゴ](/favicon.svg) ![同じサイト](https://status.example.test/favicon.svg)',
  '',
  '[ref]: http://evil.example/reference.png',
].join('\n');

beforeAll(async () => {
  const isolated = isolatedSite('markdown-images');
  db = openDatabase(isolated.DATABASE_URL);
  const now = new Date();
  await db.incident.create({
    data: {
      slug: SLUG,
      titleJa: '画像つきの続報',
      titleEn: 'An update with images',
      impact: 'minor',
      status: 'identified',
      startedAt: now,
      updates: { create: { status: 'identified', bodyJa: BODY_JA, bodyEn: 'Delayed. ![tracker](https://evil.example/pixel.gif)', displayAt: now } },
    },
  });
  site = await startSite({ ...isolated, SITE_URL, RULE_TICK_SECONDS: '300' });
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
});

/** A feed once it lists the incident: the copy prerendered by the build is regenerated on the first visits. */
async function feedShowing(path: string, text: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const xml = await (await fetch(`${site.url}${path}`)).text();
    if (xml.includes(text) || Date.now() > deadline) return xml;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const imgSources = (html: string) => [...html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)].map((m) => m[1]);

describe('images in markdown', () => {
  it('on the incident page: remote images become links with their alt text, the site’s own stay images', async () => {
    const html = await (await fetch(`${site.url}/incidents/${SLUG}`)).text();
    expect(html).toContain('受信が遅れています。');
    expect(imgSources(html).filter((src) => /evil\.example/.test(src ?? ''))).toEqual([]);
    expect(html).toContain('<a href="https://evil.example/pixel.gif">追跡画像</a>');
    expect(html).toContain('<a href="//evil.example/relative.gif">プロトコル相対</a>');
    expect(html).toContain('<a href="http://evil.example/reference.png">参照画像</a>');
    expect(imgSources(html)).toEqual(expect.arrayContaining(['/favicon.svg', 'https://status.example.test/favicon.svg']));

    const en = await (await fetch(`${site.url}/en/incidents/${SLUG}`)).text();
    expect(en).toContain('<a href="https://evil.example/pixel.gif">tracker</a>');
    expect(imgSources(en).filter((src) => /evil\.example/.test(src ?? ''))).toEqual([]);
  });

  it('in the feeds, whose HTML readers render too', async () => {
    for (const path of ['/history.rss', '/history.atom', '/en/history.atom']) {
      const alt = path.startsWith('/en') ? 'tracker' : '追跡画像';
      const xml = await feedShowing(path, alt);
      expect(xml, path).toContain(alt);
      // An <img> of evil.example, as markup or escaped inside the XML.
      expect(xml, path).not.toMatch(/(?:<|&lt;)img\b(?:(?!>|&gt;)[\s\S])*evil\.example/);
    }
  });
});
