import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';
import { signPayload, SIGNATURE_HEADER } from './signature';
import { guardedLookup, isPublicAddress } from './url-guard';

export interface PostResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** Worth trying again later: everything but a refused address and 410 Gone. */
  retry: boolean;
}

/**
 * POSTs a signed JSON body. The connection goes through the SSRF guard's DNS lookup (and the same
 * check for literal IP addresses, which skip DNS), and gives up after `timeoutMs`.
 */
export function postWebhook(rawUrl: string, secret: string, body: string, headers: Record<string, string>, timeoutMs: number, allowLoopback: boolean): Promise<PostResult> {
  const url = new URL(rawUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.resolve({ ok: false, status: null, error: 'not an http(s) URL', retry: false });
  if (ipaddr.isValid(host) && !isPublicAddress(host, allowLoopback)) {
    return Promise.resolve({ ok: false, status: null, error: `refusing to connect to ${host}: not a public address`, retry: false });
  }
  const signature = signPayload(secret, body, Math.floor(Date.now() / 1000));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(allowLoopback),
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'user-agent': 'Tayori-Webhook/1', [SIGNATURE_HEADER]: signature, ...headers },
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        response.on('end', () => resolve({ ok: status >= 200 && status < 300, status, error: status >= 200 && status < 300 ? null : `HTTP ${status}`, retry: status !== 410 }));
      },
    );
    // The whole exchange must finish in time, not only each socket read.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, status: null, error: error.message, retry: error.code !== 'EFORBIDDEN' }));
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}
