import { maintenanceCalendarResponse } from '@/lib/components/maintenance-calendar';
import { isLang } from '@/lib/i18n/locales';

// iCalendar (RFC 5545) of one component's scheduled maintenance: /components/{slug}/maintenance.ics.
export const revalidate = 30;

export async function GET(_request: Request, { params }: { params: Promise<{ lang: string; slug: string }> }) {
  const { lang, slug } = await params;
  if (!isLang(lang)) return new Response('not found\n', { status: 404 });
  return maintenanceCalendarResponse(lang, slug);
}
