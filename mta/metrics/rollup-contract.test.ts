// The rollups this MTA sends must pass the site's own validation of /api/ingest/mail-metrics
// (a 400 there means the rollups are dropped), so the test checks them against that schema.
import { describe, expect, it } from 'vitest';
import { FlowWindow, idleQueueState, windowStartOf } from '#contracts/rollup-builder';
import { rollupBatchSchema } from '#contracts/rollup-schema';
import { loadConfig } from '../config.js';

describe('rollups against the site schema', () => {
  it('an empty window, a busy one and one with rejections all validate', () => {
    const source = loadConfig({ MTA_HOSTNAME: 'mx1.tayori.test' }).site.sourceId;
    const start = windowStartOf(Date.now());
    const empty = new FlowWindow(start - 20_000).finish({ source, flow: 'inbound', queue: idleQueueState(), scanPolicy: 'enabled', scanBypassing: false });
    const busy = new FlowWindow(start - 10_000);
    for (let i = 0; i < 300; i++) busy.recordDelivered({ receive: 0.01, queue: i * 20, scan: 0.2, deliver: 0.05, total: i * 20 + 0.26 });
    for (let i = 0; i < 320; i++) busy.recordAccepted();
    for (let i = 0; i < 3; i++) busy.recordDeferred();
    busy.recordBounced();
    busy.recordRejected('unknown_user');
    busy.recordRejected('blocklist_client');
    const backlog = { ...idleQueueState(), depth: 1200, oldestAgeS: 5400 };
    backlog.ages[12] = 1200;
    const rollups = [empty, busy.finish({ source, flow: 'inbound', queue: backlog, scanPolicy: 'auto', scanBypassing: true })];
    const parsed = rollupBatchSchema.safeParse({ rollups: JSON.parse(JSON.stringify(rollups)) });
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});
