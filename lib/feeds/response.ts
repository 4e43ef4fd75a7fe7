import 'server-only';
import { env } from '../env';
import { publicCacheControl } from '../http/cache-control';
import { isLang } from '../i18n/locales';
import { buildHistoryFeed, historyFeedXml } from './build';
import { getFeedEntries } from './history';

/** The body of /history.rss and /history.atom (and /en/…), with its Content-Type. */
export async function historyFeedResponse(request: Request, langParam: string, format: 'rss' | 'atom'): Promise<Response> {
  if (!isLang(langParam)) return new Response('not found\n', { status: 404 });
  const component = new URL(request.url).searchParams.get('component');
  if (component !== null && !/^[a-z0-9-]{1,64}$/.test(component)) return new Response('unknown component\n', { status: 404 });
  const data = await getFeedEntries(component);
  if (!data) return new Response('unknown component\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const feed = buildHistoryFeed(data, langParam, { url: env.SITE_URL, nameJa: env.SITE_NAME_JA, nameEn: env.SITE_NAME_EN });
  const body = historyFeedXml(feed, format);
  return new Response(body, {
    headers: {
      'Content-Type': format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8',
      // Readers poll, often many behind one proxy: shared caches keep the feed as long as the pages.
      'Cache-Control': publicCacheControl(),
    },
  });
}
