import { historyFeedResponse } from '@/lib/feeds/response';

// RSS 2.0 at /history.rss (Japanese) and /en/history.rss; ?component=<slug> for one component.
export const revalidate = 30;

export async function GET(request: Request, { params }: { params: Promise<{ lang: string }> }) {
  return historyFeedResponse(request, (await params).lang, 'rss');
}
