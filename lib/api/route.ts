import 'server-only';
import type { Lang } from '../i18n/locales';
import { jsonError, jsonResponse, preflightResponse, requestLang } from './http';
import { getStatuspageSnapshot, type StatuspageSnapshot } from './statuspage-data';

type DocumentBuilder = (snapshot: StatuspageSnapshot, lang: Lang) => unknown;

/**
 * The GET and OPTIONS handlers of one /api/v2 document. The snapshot comes from the data cache,
 * so a request only shapes and serialises it: no database query.
 */
export function statuspageRoute(build: DocumentBuilder) {
  return {
    async GET(request: Request): Promise<Response> {
      const lang = requestLang(request);
      if (!lang) return jsonError(400, 'lang must be "ja" or "en"');
      return jsonResponse(request, build(await getStatuspageSnapshot(), lang));
    },
    OPTIONS: preflightResponse,
  };
}
