import { localePath, pick, type Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';
import type { IncidentStatus } from '../status/types';
import type { FeedDto } from './history';
import { atom1, rss2, type FeedChannel, type FeedItem } from './xml';

export interface FeedSite {
  url: string;
  nameJa: string;
  nameEn: string;
}

export interface HistoryFeed {
  channel: FeedChannel;
  items: FeedItem[];
}

/**
 * One item per incident update. An item's id is the update's permanent URL (the incident page
 * with the update's anchor), so readers never show an update twice when the incident changes.
 * Titles are plain text; bodies come rendered by the one markdown pipeline (history.ts).
 */
export function buildHistoryFeed(data: FeedDto, lang: Lang, site: FeedSite): HistoryFeed {
  const t = messages(lang);
  const abs = (path: string) => new URL(path, site.url).toString();
  const query = data.component ? `?component=${encodeURIComponent(data.component.slug)}` : '';
  const siteName = pick(lang, site.nameJa, site.nameEn);
  const title = data.component ? `${siteName} – ${pick(lang, data.component.nameJa, data.component.nameEn)}` : siteName;
  const latest = data.entries[0] ? new Date(data.entries[0].displayAt) : new Date(0);
  const channel: FeedChannel = {
    id: abs(`${localePath(lang, '/history')}${query}`),
    title,
    description: `${t.historyHeading} – ${siteName}`,
    link: abs(data.component ? localePath(lang, `/components/${data.component.slug}`) : localePath(lang, '/history')),
    language: lang,
    updated: latest,
    copyright: siteName,
    rssUrl: abs(`${localePath(lang, '/history.rss')}${query}`),
    atomUrl: abs(`${localePath(lang, '/history.atom')}${query}`),
  };
  const items = data.entries.map((e): FeedItem => {
    const incidentUrl = abs(localePath(lang, `/incidents/${e.incidentSlug}`));
    return {
      id: `${incidentUrl}#update-${e.updateId}`,
      link: incidentUrl,
      title: `${pick(lang, e.titleJa, e.titleEn || e.titleJa)} – ${t.incidentStatus[e.status as IncidentStatus] ?? e.status}`,
      date: new Date(e.displayAt),
      html: pick(lang, e.htmlJa, e.htmlEn || e.htmlJa),
      text: pick(lang, e.textJa, e.textEn || e.textJa),
    };
  });
  return { channel, items };
}

export function historyFeedXml(feed: HistoryFeed, format: 'rss' | 'atom'): string {
  return format === 'rss' ? rss2(feed.channel, feed.items) : atom1(feed.channel, feed.items);
}
