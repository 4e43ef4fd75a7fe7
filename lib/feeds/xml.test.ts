import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { atom1, rss2, type FeedChannel, type FeedItem } from './xml';

const channel: FeedChannel = {
  id: 'https://status.example/history',
  title: 'Tayori ステータス',
  description: '障害履歴 – Tayori ステータス',
  link: 'https://status.example/history',
  language: 'ja',
  updated: new Date('2014-12-09T06:00:00Z'),
  rssUrl: 'https://status.example/history.rss?component=a&b',
  atomUrl: 'https://status.example/history.atom',
  copyright: 'Tayori ステータス',
};
// A title that tried to leave its element, with characters XML cannot carry.
const TITLE = ']]></title><script>alert(1)</script>]]> & "q" \u0001end';
const item: FeedItem = {
  id: 'https://status.example/incidents/x#update-1',
  link: 'https://status.example/incidents/x',
  title: TITLE,
  date: new Date('2014-12-02T02:00:00Z'),
  html: '<p>a ]]> b ]]> <a href="https://x.test/?a=1&amp;b=2">c</a></p>',
  text: 'a ]]> b < script>',
};
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text' });
const EXPECTED_TITLE = ']]></title><script>alert(1)</script>]]> & "q" end';

describe('feed XML', () => {
  it('keeps RSS well-formed whatever a title or body holds, the title as plain text', () => {
    const xml = rss2(channel, [item]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = parser.parse(xml).rss.channel;
    expect(parsed.item.title).toBe(EXPECTED_TITLE);
    expect(parsed.item.description).toBe(item.html);
    expect(parsed.item['content:encoded']).toBe(item.html);
    expect(parsed['atom:link']['@href']).toBe(channel.rssUrl);
  });

  it('writes Atom with type="text" titles, a text summary and HTML content', () => {
    const xml = atom1(channel, [item]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const entry = parser.parse(xml).feed.entry;
    expect(entry.title).toEqual({ '#text': EXPECTED_TITLE, '@type': 'text' });
    expect(entry.summary).toEqual({ '#text': item.text, '@type': 'text' });
    expect(entry.content).toEqual({ '#text': item.html, '@type': 'html' });
  });
});
