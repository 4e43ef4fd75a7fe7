// RSS 2.0 and Atom 1.0 written with one escaping rule, so that no field can end its element
// early. Not the `feed` package: it wraps fields in CDATA and escapes only the first "]]>" in each
// (an incident title could close an RSS <description>), and its Atom titles are always
// type="html", where titles here are plain text.

export interface FeedChannel {
  id: string;
  title: string;
  description: string;
  link: string;
  language: string;
  updated: Date;
  rssUrl: string;
  atomUrl: string;
  copyright: string;
}

export interface FeedItem {
  id: string;
  link: string;
  /** Plain text. */
  title: string;
  date: Date;
  /** Sanitised HTML (lib/content/markdown.ts). */
  html: string;
  /** The plain-text rendering of the same markdown (lib/content/plain-text.ts). */
  text: string;
}

// Characters XML 1.0 does not allow at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF):
// one in a title would make the whole feed unreadable.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text content or an attribute value, escaped for XML. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const element = (name: string, text: string, attributes = '') => `<${name}${attributes}>${xmlText(text)}</${name}>`;

export function rss2(channel: FeedChannel, items: FeedItem[]): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
    '<channel>',
    element('title', channel.title),
    element('link', channel.link),
    element('description', channel.description),
    element('language', channel.language),
    element('lastBuildDate', channel.updated.toUTCString()),
    element('docs', 'https://www.rssboard.org/rss-specification'),
    element('generator', 'Tayori'),
    element('copyright', channel.copyright),
    `<atom:link href="${xmlText(channel.rssUrl)}" rel="self" type="application/rss+xml"/>`,
    ...items.map((item) =>
      [
        '<item>',
        element('title', item.title),
        element('link', item.link),
        element('guid', item.id, ' isPermaLink="false"'),
        element('pubDate', item.date.toUTCString()),
        // RSS readers render <description> as HTML: the sanitised rendering, as in content:encoded.
        element('description', item.html),
        element('content:encoded', item.html),
        '</item>',
      ].join('\n'),
    ),
    '</channel>',
    '</rss>',
  ];
  return lines.join('\n');
}

export function atom1(channel: FeedChannel, items: FeedItem[]): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(channel.language)}">`,
    element('id', channel.id),
    element('title', channel.title, ' type="text"'),
    element('subtitle', channel.description, ' type="text"'),
    element('updated', channel.updated.toISOString()),
    element('generator', 'Tayori'),
    element('rights', channel.copyright, ' type="text"'),
    // RFC 4287: a feed names an author when its entries do not.
    `<author>${element('name', channel.copyright)}</author>`,
    `<link rel="alternate" href="${xmlText(channel.link)}"/>`,
    `<link rel="self" href="${xmlText(channel.atomUrl)}"/>`,
    ...items.map((item) =>
      [
        '<entry>',
        element('title', item.title, ' type="text"'),
        element('id', item.id),
        `<link href="${xmlText(item.link)}"/>`,
        element('updated', item.date.toISOString()),
        element('summary', item.text, ' type="text"'),
        element('content', item.html, ' type="html"'),
        '</entry>',
      ].join('\n'),
    ),
    '</feed>',
  ];
  return lines.join('\n');
}
