import { NO_STORE } from '@/lib/http/cache-control';
import { domainLookupMessages } from '@/lib/i18n/domain-lookup-messages';
import { isLang } from '@/lib/i18n/locales';
import { lookupDomainDelay } from '@/lib/lookups/domain-delay';
import { RECENT_MINUTES } from '@/lib/metrics/domain-delay';

// The domain lookup for programs: GET /api/mail/domain-delay?domain=example.com[&lang=en]. The same
// answer as the page (/mail/domain), as JSON; 400 for a name that is not one, 429 over the limit.
// There is no way to list domains, here or anywhere.

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const params = new URL(request.url).searchParams;
  const langParam = params.get('lang') ?? 'ja';
  const lang = isLang(langParam) ? langParam : 'ja';
  const t = domainLookupMessages(lang);
  const names = params.getAll('domain');
  const result = await lookupDomainDelay(names.length === 1 ? names[0]! : '');
  const headers = { 'Cache-Control': NO_STORE, 'Content-Type': 'application/json; charset=utf-8' };
  if (result.status === 'rate_limited') {
    return new Response(JSON.stringify({ error: 'rate_limited', message: t.errors.rate_limited }), {
      status: 429,
      headers: { ...headers, 'Retry-After': String(result.retryAfterS) },
    });
  }
  if (result.status === 'invalid') {
    return new Response(JSON.stringify({ error: result.problem, message: t.errors[result.problem] }), { status: 400, headers });
  }
  const a = result.answer;
  return new Response(
    JSON.stringify({
      domain: a.domain,
      scope: a.scope,
      recent_minutes: RECENT_MINUTES,
      delay_p95_s: a.p95S,
      delivered: a.deliveredCount,
      waiting: a.waiting,
      oldest_waiting_s: a.oldestWaitingS,
      delay_s: a.delayS,
      threshold_s: a.thresholdS,
      late: a.late,
      incident: a.incident ? { slug: a.incident.slug, title: lang === 'ja' ? a.incident.titleJa : a.incident.titleEn } : null,
      today: a.series,
    }),
    { status: 200, headers },
  );
}
