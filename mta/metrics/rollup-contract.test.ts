// The rollups this MTA sends must pass the site's own validation of /api/ingest/mail-metrics
// (a 400 there means the rollups are dropped), so the test checks them against that schema.
import { describe, expect, it } from 'vitest';
import { rollupBatchSchema } from '../../lib/metrics/rollup-schema.js';
import { loadConfig } from '../config.js';
import { RollupWindow, windowStart } from './rollups.js';

describe('rollups against the site schema', () => {
  it('an empty window, a busy one and one with rejections all validate', () => {
    const source = loadConfig({ MTA_HOSTNAME: 'mx1.tayori.test' }).site.sourceId;
    const start = windowStart(Date.now());
    const empty = new RollupWindow(start - 20_000).finish({ source, queueDepth: 0, oldestAgeS: 0, scanPolicy: 'enabled', scanBypassing: false });
    const busy = new RollupWindow(start - 10_000);
    for (let i = 0; i < 300; i++) busy.recordDelivered({ receive: 0.01, queue: i * 20, scan: 0.2, deliver: 0.05, total: i * 20 + 0.26 });
    busy.accepted = 320;
    busy.deferred = 3;
    busy.bounced = 1;
    busy.recordRejected('unknown_user');
    busy.recordRejected('blocklist_client');
    const rollups = [empty, busy.finish({ source, queueDepth: 1200, oldestAgeS: 5400, scanPolicy: 'auto', scanBypassing: true })];
    const parsed = rollupBatchSchema.safeParse({ rollups: JSON.parse(JSON.stringify(rollups)) });
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});
