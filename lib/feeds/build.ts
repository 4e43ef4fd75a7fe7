import { Feed } from 'feed';
import { renderMarkdown } from '../content/markdown';
import { localePath, pick, type Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';
import type { IncidentStatus } from '../status/types';
import type { FeedDto } from './history';

export interface FeedSite {
  url: string;
  nameJa: string;
  nameEn: string;
}

/**
 * One item per incident update. An item's id is the update's permanent URL (the incident page
 * with the update's anchor), so readers never show an update twice when the incident changes.
 */
export function buildHistoryFeed(data: FeedDto, lang: Lang, site: FeedSite): Feed {
  const t = messages(lang);
  const abs = (path: string) => new URL(path, site.url).toString();
  const query = data.component ? `?component=${encodeURIComponent(data.component.slug)}` : '';
  const siteName = pick(lang, site.nameJa, site.nameEn);
  const title = data.component ? `${siteName} – ${pick(lang, data.component.nameJa, data.component.nameEn)}` : siteName;
  const latest = data.entries[0] ? new Date(data.entries[0].displayAt) : new Date(0);
  const feed = new Feed({
    id: abs(`${localePath(lang, '/history')}${query}`),
    title,
    description: `${t.historyHeading} – ${siteName}`,
    link: abs(data.component ? localePath(lang, `/components/${data.component.slug}`) : localePath(lang, '/history')),
    language: lang,
    updated: latest,
    generator: 'Tayori',
    copyright: siteName,
    feedLinks: { rss: abs(`${localePath(lang, '/history.rss')}${query}`), atom: abs(`${localePath(lang, '/history.atom')}${query}`) },
  });
  for (const e of data.entries) {
    const incidentUrl = abs(localePath(lang, `/incidents/${e.incidentSlug}`));
    const body = pick(lang, e.bodyJa, e.bodyEn || e.bodyJa);
    feed.addItem({
      id: `${incidentUrl}#update-${e.updateId}`,
      link: incidentUrl,
      title: `${pick(lang, e.titleJa, e.titleEn || e.titleJa)} – ${t.incidentStatus[e.status as IncidentStatus] ?? e.status}`,
      date: new Date(e.displayAt),
      description: body,
      content: renderMarkdown(body),
    });
  }
  return feed;
}
