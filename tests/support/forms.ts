// Submits a page's form the way a browser without JavaScript does: the form's own hidden fields
// (Next.js server-action ids included) plus the visible fields the test fills in.

function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function hiddenFields(html: string, testId: string): [string, string][] {
  const start = html.indexOf(`data-testid="${testId}"`);
  if (start < 0) throw new Error(`no form ${testId} in the page`);
  const formStart = html.lastIndexOf('<form', start);
  const formEnd = html.indexOf('</form>', start);
  const form = html.slice(formStart, formEnd);
  const fields: [string, string][] = [];
  for (const match of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = match[1]!;
    if (!/type="hidden"/.test(attrs)) continue;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? '';
    if (name) fields.push([unescapeHtml(name), unescapeHtml(value)]);
  }
  return fields;
}

/** GETs `pageUrl`, fills the form `testId` with `fields` and POSTs it; returns the answer page. */
export async function submitForm(pageUrl: string, testId: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<{ status: number; html: string }> {
  const page = await (await fetch(pageUrl)).text();
  const body = new FormData();
  for (const [k, v] of hiddenFields(page, testId)) body.append(k, v);
  for (const [k, v] of fields) body.append(k, v);
  const res = await fetch(pageUrl, { method: 'POST', body, headers, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}
