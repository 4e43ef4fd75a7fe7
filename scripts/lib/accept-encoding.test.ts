import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from './accept-encoding.mjs';

// The reference is Next.js's own compression middleware, the one its server runs, answering a
// page-sized HTML body: whatever it picks for a header, the copy served from memory must pick too.
const compression = createRequire(import.meta.url)('next/dist/compiled/compression') as () => (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

let server: http.Server;
let port: number;

beforeAll(async () => {
  const compress = compression();
  server = http.createServer((req, res) => {
    compress(req, res, () => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<p>status</p>'.repeat(200));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function nextJsEncoding(acceptEncoding: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    http
      .get({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.headers['content-encoding'] ?? 'identity')));
      })
      .on('error', reject);
  });
}

const HEADERS = [
  undefined,
  '',
  'gzip',
  'gzip, deflate, br',
  'gzip, deflate, br, zstd',
  'br',
  'br;q=1.0, gzip;q=0.8, *;q=0.1',
  'deflate',
  'deflate, gzip',
  'deflate;q=1, gzip;q=0.5',
  'gzip;q=0',
  'gzip;q=0, deflate;q=0',
  'identity',
  'identity;q=0',
  '*',
  '*;q=0',
  '*;q=0, gzip',
  'GZIP',
  'x-gzip',
  'compress, gzip',
  'gzip;q=0.5, identity;q=0.9',
  'gzip;q=abc',
  ' , ;q=1, gzip',
  'deflate;q=0.9, *;q=0.8',
];

describe('chooseEncoding', () => {
  it('picks what Next.js’s compression middleware picks, header by header', async () => {
    for (const header of HEADERS) {
      expect(chooseEncoding(header), JSON.stringify(header)).toBe(await nextJsEncoding(header));
    }
  });

  it('never answers br, which Next.js does not send', () => {
    expect(chooseEncoding('br')).toBe('identity');
    expect(chooseEncoding('br, gzip')).toBe('gzip');
  });
});
