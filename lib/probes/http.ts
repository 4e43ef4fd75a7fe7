import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { parseStatusRanges, type HttpSettings } from './schema';
import { ProbeFailure, type ProbeSpec } from './types';

const MAX_REDIRECTS = 5;
/** Only this much of the body is read for the keyword: enough for any status page, bounded memory. */
const MAX_BODY_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;

interface Response {
  status: number;
  location: string | undefined;
  body: Buffer;
  certificate: { validTo: Date } | null;
}

/** GET the URL (redirects followed up to 5), then check the status, the keyword and the certificate. */
export async function runHttp(probe: ProbeSpec, signal: AbortSignal): Promise<Record<string, unknown>> {
  const settings = probe.settings as HttpSettings;
  let url = new URL(probe.target);
  let response: Response | null = null;
  let certificate: Response['certificate'] = null;
  for (let hop = 0; ; hop++) {
    response = await get(url, settings, signal, probe.timeoutS);
    // The certificate that matters is the one of the URL staff entered.
    if (hop === 0) certificate = response.certificate;
    if (![301, 302, 303, 307, 308].includes(response.status) || !response.location) break;
    if (hop === MAX_REDIRECTS) throw ProbeFailure.of('tooManyRedirects', { max: MAX_REDIRECTS }, { status: response.status });
    url = new URL(response.location, url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProbeFailure(`redirected to a ${url.protocol} URL`);
  }
  const detail: Record<string, unknown> = { status: response.status };
  if (certificate) detail.certDaysLeft = Math.floor((certificate.validTo.getTime() - Date.now()) / DAY_MS);
  if (url.href !== probe.target) detail.finalUrl = url.href;

  const ranges = parseStatusRanges(settings.expectStatus) ?? [[200, 399]];
  if (!ranges.some(([from, to]) => response.status >= from && response.status <= to)) {
    throw ProbeFailure.of('httpStatus', { status: response.status, expected: settings.expectStatus }, detail);
  }
  if (settings.keyword) {
    const found = response.body.toString('utf8').includes(settings.keyword);
    if (found === settings.keywordAbsent) {
      throw ProbeFailure.of(settings.keywordAbsent ? 'keywordPresent' : 'keywordMissing', { keyword: settings.keyword }, detail);
    }
  }
  // An expired certificate fails even when it is not verified (a self-signed internal one).
  if (certificate && certificate.validTo.getTime() < Date.now()) throw ProbeFailure.of('certExpired', { where: new URL(probe.target).host }, detail);
  if (certificate && settings.certMinDays > 0 && (detail.certDaysLeft as number) < settings.certMinDays) {
    throw ProbeFailure.of('certShort', { days: detail.certDaysLeft as number, min: settings.certMinDays }, detail);
  }
  return detail;
}

function get(url: URL, settings: HttpSettings, signal: AbortSignal, timeoutS: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'GET',
      signal,
      headers: { 'user-agent': 'Tayori-probe/1', accept: '*/*' },
      // A fresh connection each run: a kept-alive one would hide a server that stopped accepting.
      agent: false,
      rejectUnauthorized: settings.tlsVerify,
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) reject(ProbeFailure.of('noAnswerFrom', { where: url.host, seconds: timeoutS }));
      else reject(describeError(url, error));
    });
    request.once('response', (res) => {
      const socket = res.socket as TLSSocket;
      const peer = url.protocol === 'https:' && typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
      const certificate = peer && peer.valid_to ? { validTo: new Date(peer.valid_to) } : null;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks), certificate });
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_BODY_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) {
          res.destroy();
          finish();
        }
      });
      res.once('end', finish);
      res.once('error', (error) => (size >= MAX_BODY_BYTES ? finish() : reject(signal.aborted ? ProbeFailure.of('noAnswerFrom', { where: url.host, seconds: timeoutS }) : describeError(url, error))));
    });
    request.end();
  });
}

function describeError(url: URL, error: NodeJS.ErrnoException): ProbeFailure {
  const code = error.code ?? '';
  if (code === 'CERT_HAS_EXPIRED') return ProbeFailure.of('certExpired', { where: url.host });
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.includes('SELF_SIGNED')) return ProbeFailure.of('certUntrusted', { where: url.host, reason: code });
  if (code === 'ECONNREFUSED') return ProbeFailure.of('refused', { where: url.host });
  if (code === 'ENOTFOUND') return ProbeFailure.of('dnsNoRecord', { name: url.hostname, type: 'A/AAAA' });
  return ProbeFailure.of('connectFailed', { where: url.host, reason: code || error.message });
}
