// HTTP from a chosen local address: 127.0.0.0/8 is all this host's, so a test can be several
// clients at once (127.0.0.2 the attacker, 127.0.0.3 the admin) against one real server, without a
// proxy and without any header saying who is who.
import http from 'node:http';
import { hiddenFields } from '../../support/forms';
import { staffCli } from '../../support/staff';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: FormData;
  /** The local address to connect from, e.g. "127.0.0.2"; 127.0.0.1 when unset. */
  from?: string;
}

export async function request(url: string, { method = 'GET', headers = {}, body, from }: RequestOptions = {}): Promise<Answer> {
  let payload: Buffer | undefined;
  // An empty value leaves the header out (e.g. `origin: ''`: a request without an Origin).
  const all = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
  if (body) {
    // The multipart encoding a browser would send, made by the platform's own Request.
    const encoded = new Request('http://localhost/', { method: 'POST', body });
    payload = Buffer.from(await encoded.arrayBuffer());
    all['content-type'] = encoded.headers.get('content-type')!;
    all['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: all, localAddress: from, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface FormOptions {
  /** The form's data-testid… */
  testId?: string;
  /** …or a piece of its markup, e.g. 'name="titleJa"'; the page's first form when neither is given. */
  containing?: string;
  from?: string;
  /** Sent with the GET and the POST (cookie, host, …); `origin` defaults to the page's own. */
  headers?: Record<string, string>;
}

/** A page's form as a browser without JavaScript has it: its hidden fields (server action ids included). */
export async function formOf(pageUrl: string, options: FormOptions = {}): Promise<[string, string][]> {
  const { text } = await request(pageUrl, { from: options.from, headers: options.headers });
  if (options.testId) return hiddenFields(text, options.testId);
  const at = options.containing ? text.lastIndexOf('<form', text.indexOf(options.containing)) : text.indexOf('<form');
  if (at < 0 || (options.containing && !text.includes(options.containing))) throw new Error(`no such form in ${pageUrl}`);
  return hiddenFields(`${text.slice(0, at)}<form data-testid="chosen-form"${text.slice(at + 5)}`, 'chosen-form');
}

/** Posts `hidden` plus `fields` to the page, as its form would be. */
export function submit(pageUrl: string, hidden: [string, string][], fields: [string, string][], options: FormOptions = {}): Promise<Answer> {
  const body = new FormData();
  for (const [k, v] of [...hidden, ...fields]) body.append(k, v);
  // A browser posting a form sends the page's origin.
  return request(pageUrl, { method: 'POST', body, from: options.from, headers: { origin: new URL(pageUrl).origin, ...options.headers } });
}

/** GETs a page, fills its form and posts it. */
export async function postForm(pageUrl: string, fields: [string, string][], options: FormOptions = {}): Promise<Answer> {
  return submit(pageUrl, await formOf(pageUrl, options), fields, options);
}

export type SignInOutcome = 'signed-in' | 'invalid' | 'locked' | `status ${number}`;

/** What the sign-in form answered. */
export function signInOutcome(answer: Answer): { outcome: SignInOutcome; cookie: string | null } {
  const cookie = [answer.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('tayori_session='))?.split(';')[0] ?? null;
  if (answer.status === 303 && answer.headers.location?.endsWith('/admin') && cookie) return { outcome: 'signed-in', cookie };
  if (answer.status === 200 && answer.text.includes('メールアドレスまたはパスワードが正しくありません')) return { outcome: 'invalid', cookie: null };
  if (answer.status === 200 && answer.text.includes('サインインを一時的に制限しています')) return { outcome: 'locked', cookie: null };
  return { outcome: `status ${answer.status}`, cookie: null };
}

/** Posts the sign-in form of the site at `siteUrl` (or reached through a proxy at that URL). */
export async function signIn(siteUrl: string, email: string, password: string, options: Omit<FormOptions, 'testId'> = {}) {
  const page = `${siteUrl}/admin/sign-in`;
  return signInOutcome(await postForm(page, [['email', email], ['password', password]], { ...options, testId: 'sign-in-form' }));
}

export const PASSWORD = 'correct horse battery staple';

/** An account with PASSWORD, set through its set-up link like a person would. */
export async function createStaff(site: { url: string; databaseUrl: string }, email: string, role: 'admin' | 'editor') {
  const { link, output } = staffCli(site.databaseUrl, site.url, 'add', email, '--role', role);
  if (!link) throw new Error(`no set-up link for ${email}: ${output}`);
  const answer = await postForm(link, [['password', PASSWORD]]);
  if (answer.status !== 303) throw new Error(`setting the password of ${email} answered ${answer.status}`);
}
