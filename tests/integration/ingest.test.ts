import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { withDatabase } from '../support/database';
import { makeRollup } from '../support/rollups';
import { startSite, type RunningSite } from '../support/site';

let site: RunningSite;
const token = inject('ingestToken');

beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.stop();
});

// Recent windows, aligned to 10 s: older ones are past the raw retention.
const HOUR = 3_600_000;
const at = (hoursAgo: number, plusSeconds = 0) => new Date(Math.floor((Date.now() - hoursAgo * HOUR) / 10_000) * 10_000 + plusSeconds * 1000);

function post(body: unknown, auth: string | null = `Bearer ${token}`) {
  return fetch(`${site.url}/api/ingest/mail-metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function storedRows(source: string) {
  return withDatabase(inject('siteDatabaseUrl'), (db) =>
    db.mailMetricRollup.findMany({ where: { source }, orderBy: { windowStart: 'asc' }, select: { source: true, windowStart: true, delivered: true, delayP95: true, histogram: true } }),
  );
}

describe('POST /api/ingest/mail-metrics', () => {
  it('refuses a request without the token, or with a wrong one, and stores nothing', async () => {
    const body = { rollups: [makeRollup('mx-unauth', at(5))] };
    expect((await post(body, null)).status).toBe(401);
    const wrong = await post(body, 'Bearer not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(token);
    expect(await storedRows('mx-unauth')).toHaveLength(0);
  });

  it('stores rollups and accepts each (source, window) once', async () => {
    const t0 = at(4);
    const t1 = new Date(t0.getTime() + 10_000);
    const first = await post({ rollups: [makeRollup('mx-1', t0, [1, 2, 400]), makeRollup('mx-1', t1)] });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 2, duplicates: 0 });

    // The MTA re-sends after a timeout: nothing is counted twice.
    const again = await post({ rollups: [makeRollup('mx-1', t0, [1, 2, 400]), makeRollup('mx-1', new Date(t1.getTime() + 10_000))] });
    expect(await again.json()).toEqual({ accepted: 1, duplicates: 1 });

    const rows = await storedRows('mx-1');
    expect(rows).toHaveLength(3);
    expect(rows[0].delivered).toBe(3);
    expect(rows[0].delayP95).toBe(400);
    expect(JSON.parse(rows[0].histogram).counts.reduce((a: number, b: number) => a + b, 0)).toBe(3);
  });

  it('answers 400 naming the offending fields, and stores none of the batch', async () => {
    const good = makeRollup('mx-bad', at(3));
    const bad = { ...makeRollup('mx-bad', at(3, 10)), delivered: -1, scan_policy: 'off', window_start: at(3, 13).toISOString() };
    const res = await post({ rollups: [good, bad] });
    expect(res.status).toBe(400);
    const body = await res.json();
    const paths = body.fields.map((f: { path: string }) => f.path);
    expect(paths).toContain('rollups.1.delivered');
    expect(paths).toContain('rollups.1.scan_policy');
    expect(paths).toContain('rollups.1.window_start');
    expect(await storedRows('mx-bad')).toHaveLength(0);
  });

  it('answers 400 for a histogram that does not add up to the messages delivered', async () => {
    const r = makeRollup('mx-hist', at(2), [1, 2]);
    r.delivered = 5;
    const res = await post({ rollups: [r] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('delay_histogram.counts');
  });

  it('refuses windows past the raw retention or in the future, so nothing can be counted twice', async () => {
    const old = await post({ rollups: [makeRollup('mx-old', at(24 * 3))] });
    expect(old.status).toBe(400);
    expect(JSON.stringify(await old.json())).toContain('older than the 2-day retention');
    const future = await post({ rollups: [makeRollup('mx-old', at(-1))] });
    expect(future.status).toBe(400);
    expect(await storedRows('mx-old')).toHaveLength(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await post('{"rollups": [');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_json');
  });

  it('answers 413 for an oversized body', async () => {
    const res = await post('x'.repeat(1024 * 1024 + 10));
    expect(res.status).toBe(413);
  });
});
