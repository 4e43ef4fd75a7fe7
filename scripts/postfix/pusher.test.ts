// The pusher against a small HTTP server that answers with the status codes of
// /api/ingest/mail-metrics: the site itself cannot be made to be down, answer 413 for a
// batch or name a bad rollup on demand (tests/integration/postfix-ingest.test.ts uses the real one).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DELAY_BUCKET_BOUNDS } from '#contracts/rollup-schema';
import { RollupPusher } from './pusher';
import type { RollupBody } from './rollups';

const rollup = (i: number): RollupBody => ({
  source: 'postfix@test',
  window_start: new Date(Date.UTC(2026, 10, 29, 7) + i * 10_000).toISOString(),
  window_seconds: 10,
  delivered: 0,
  deferred: 0,
  bounced: 0,
  delay_p50_s: null,
  delay_p95_s: null,
  delay_max_s: null,
  delay_histogram: { bounds: [...DELAY_BUCKET_BOUNDS], counts: new Array(DELAY_BUCKET_BOUNDS.length + 1).fill(0) },
  stage_p95_s: { receive: null, queue: null, scan: null, deliver: null },
  queue_depth: 0,
  oldest_age_s: 0,
  accepted: i,
  rejected: {},
  scan_policy: 'enabled',
  scan_bypassing: false,
});

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Stores what it accepts, in arrival order; `answer` may override the status per request. */
async function site(answer: (batch: RollupBody[], auth: string | undefined) => { status: number; body?: unknown } | null = () => null) {
  const stored: string[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const batch = (JSON.parse(text) as { rollups: RollupBody[] }).rollups;
      const override = answer(batch, req.headers.authorization);
      if (override) {
        res.writeHead(override.status, { 'content-type': 'application/json' }).end(JSON.stringify(override.body ?? {}));
        return;
      }
      let accepted = 0;
      for (const r of batch) if (!stored.includes(r.window_start)) (stored.push(r.window_start), accepted++);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted, duplicates: batch.length - accepted }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/api/ingest/mail-metrics`, stored };
}

describe('pushing rollups', () => {
  it('sends at most 500 per request, in order, with the bearer token', async () => {
    const sizes: number[] = [];
    const s = await site((batch, auth) => (sizes.push(batch.length), auth === 'Bearer t0ken' ? null : { status: 401 }));
    const pusher = new RollupPusher({ endpoint: s.url, token: () => 't0ken', maxBuffered: 10_000 });
    pusher.enqueue(Array.from({ length: 1201 }, (_, i) => rollup(i)));
    expect(await pusher.flush()).toEqual({ kind: 'done' });
    expect(sizes).toEqual([500, 500, 201]);
    expect(s.stored).toEqual(Array.from({ length: 1201 }, (_, i) => rollup(i).window_start));
    expect(pusher.stats).toMatchObject({ sent: 1201, accepted: 1201, duplicates: 0 });
  });

  it('keeps rollups while the site is unreachable and sends them, in order, once it is back', async () => {
    let down = true;
    const s = await site(() => (down ? { status: 503 } : null));
    const pusher = new RollupPusher({ endpoint: s.url, token: () => 't', maxBuffered: 100 });
    pusher.enqueue([rollup(0), rollup(1)]);
    expect((await pusher.flush()).kind).toBe('unreachable');
    pusher.enqueue([rollup(2)]);
    expect(pusher.buffered).toBe(3);
    down = false;
    expect(await pusher.flush()).toEqual({ kind: 'done' });
    expect(s.stored).toEqual([0, 1, 2].map((i) => rollup(i).window_start));
  });

  it('says unreachable when nothing listens, and drops the oldest beyond the bound', async () => {
    const pusher = new RollupPusher({ endpoint: 'http://127.0.0.1:9/api/ingest/mail-metrics', token: () => 't', maxBuffered: 3 });
    pusher.enqueue([0, 1, 2, 3, 4].map(rollup));
    const outcome = await pusher.flush();
    expect(outcome.kind).toBe('unreachable');
    expect(pusher.buffered).toBe(3);
    expect(pusher.stats.droppedOverflow).toBe(2);
  });

  it('tells the windows of the rollups it holds and drops apart from the rollups (one per flow and window)', async () => {
    const pair = (i: number): RollupBody[] => [{ ...rollup(i), flow: 'inbound' }, { ...rollup(i), flow: 'outbound' }];
    const pusher = new RollupPusher({ endpoint: 'http://127.0.0.1:9/api/ingest/mail-metrics', token: () => 't', maxBuffered: 4 });
    pusher.enqueue([0, 1, 2].flatMap(pair));
    expect(pusher.buffered).toBe(4);
    expect(pusher.bufferedWindows).toBe(2);
    expect(pusher.stats).toMatchObject({ droppedOverflow: 2, windowsDroppedOverflow: 1 });
  });

  it('halves the batch on 413', async () => {
    const sizes: number[] = [];
    const s = await site((batch) => (sizes.push(batch.length), batch.length > 125 ? { status: 413 } : null));
    const pusher = new RollupPusher({ endpoint: s.url, token: () => 't', maxBuffered: 1000 });
    pusher.enqueue(Array.from({ length: 300 }, (_, i) => rollup(i)));
    expect(await pusher.flush()).toEqual({ kind: 'done' });
    expect(sizes).toEqual([300, 250, 125, 125, 50]);
    expect(s.stored).toHaveLength(300);
  });

  it('reports a refused token, keeping the rollups', async () => {
    const s = await site(() => ({ status: 401, body: { error: 'unauthorized' } }));
    const pusher = new RollupPusher({ endpoint: s.url, token: () => 'wrong', maxBuffered: 10 });
    pusher.enqueue([rollup(0)]);
    const outcome = await pusher.flush({ dropInvalid: true });
    expect(outcome).toMatchObject({ kind: 'refused', status: 401 });
    expect(outcome.kind === 'refused' && outcome.message).toMatch(/INGEST_TOKEN/);
    expect(pusher.buffered).toBe(1);
  });

  it('on 400, drops only the rollups the site names (when following) and sends the rest', async () => {
    const s = await site((batch) => {
      const i = batch.findIndex((r) => r.accepted === 1);
      return i < 0 ? null : { status: 400, body: { error: 'invalid', fields: [{ path: `rollups.${i}.delivered`, message: 'bad' }] } };
    });
    const pusher = new RollupPusher({ endpoint: s.url, token: () => 't', maxBuffered: 10 });
    pusher.enqueue([0, 1, 2].map(rollup));
    const outcome = await pusher.flush({ dropInvalid: true });
    expect(outcome).toMatchObject({ kind: 'refused', status: 400 });
    expect(outcome.kind === 'refused' && outcome.message).toContain('rollups.1.delivered');
    expect(await pusher.flush({ dropInvalid: true })).toEqual({ kind: 'done' });
    expect(s.stored).toEqual([rollup(0).window_start, rollup(2).window_start]);
    expect(pusher.stats.droppedInvalid).toBe(1);
    expect(pusher.stats.windowsDroppedInvalid).toBe(1);
  });
});
