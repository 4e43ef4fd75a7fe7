import { historyFeedResponse } from '@/lib/feeds/response';

// Atom 1.0 at /history.atom (Japanese) and /en/history.atom; ?component=<slug> for one component.
export const revalidate = 30;

export async function GET(request: Request, { params }: { params: Promise<{ lang: string }> }) {
  return historyFeedResponse(request, (await params).lang, 'atom');
}
