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
  /** The receiver's Retry-After (429, 503), in milliseconds; null when it gave none. */
  retryAfterMs: number | null;
  /** The start of the answer's body (chat platforms name their errors there, e.g. Slack's "no_service"). */
  answer: string;
}

const ANSWER_BYTES = 512;
const RETRY_AFTER_MAX_MS = 3600_000;

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), capped at an hour. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(RETRY_AFTER_MAX_MS, Math.max(0, Math.round(ms))) : null;
}

/**
 * POSTs a JSON body, signed with `secret` (null: unsigned, for chat platforms, which ignore
 * signatures). The connection goes through the SSRF guard's DNS lookup (and the same check for
 * literal IP addresses, which skip DNS), and gives up after `timeoutMs`.
 */
export function postWebhook(rawUrl: string, secret: string | null, body: string, headers: Record<string, string>, timeoutMs: number, allowLoopback: boolean): Promise<PostResult> {
  const url = new URL(rawUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.resolve({ ok: false, status: null, error: 'not an http(s) URL', retry: false, retryAfterMs: null, answer: '' });
  if (ipaddr.isValid(host) && !isPublicAddress(host, allowLoopback)) {
    return Promise.resolve({ ok: false, status: null, error: `refusing to connect to ${host}: not a public address`, retry: false, retryAfterMs: null, answer: '' });
  }
  const signature = secret === null ? {} : { [SIGNATURE_HEADER]: signPayload(secret, body, Math.floor(Date.now() / 1000)) };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(allowLoopback),
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'user-agent': 'Tayori-Webhook/1', ...signature, ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < ANSWER_BYTES) chunks.push(chunk.subarray(0, ANSWER_BYTES - kept));
          kept += chunk.length;
        });
        const status = response.statusCode ?? 0;
        response.on('end', () => {
          const ok = status >= 200 && status < 300;
          const answer = Buffer.concat(chunks).toString('utf8');
          const delay = status === 429 || status === 503 ? retryAfterMs(response.headers['retry-after']) : null;
          resolve({ ok, status, error: ok ? null : `HTTP ${status}`, retry: status !== 410, retryAfterMs: delay, answer });
        });
      },
    );
    // The whole exchange must finish in time, not only each socket read.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, status: null, error: error.message, retry: error.code !== 'EFORBIDDEN', retryAfterMs: null, answer: '' }));
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}
