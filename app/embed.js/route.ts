import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheableResponse } from '@/lib/api/http';

// /embed.js: the status widget other sites include with <script src=".../embed.js">. The source
// sits beside this route (widget.js) and is read once per process; requests are answered from
// memory with a strong ETag. A fixed route, so the Japanese rewrite (afterFiles) never sees it.
export const dynamic = 'force-dynamic';

let source: string | undefined;

function widgetSource(): string {
  // `next start` runs in the project root (scripts/start.mjs and the tests start it there).
  source ??= readFileSync(path.join(process.cwd(), 'app', 'embed.js', 'widget.js'), 'utf8');
  return source;
}

export function GET(request: Request): Response {
  return cacheableResponse(request, widgetSource(), 'text/javascript; charset=utf-8');
}
