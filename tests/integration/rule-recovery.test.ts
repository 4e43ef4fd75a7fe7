// A rule's status change is stored before the component, the incident and the notices are
// written; a crash or a busy database in between must not lose the change for good (the rule
// already says "degraded", so no later window changes anything): the site shows whatever the
// rule says and the component does not, at its next evaluation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { waitFor } from './mta/helpers';

let site: RunningSite;
let db: TestDatabase;

beforeAll(async () => {
  const isolated = isolatedSite('rule-recovery');
  db = openDatabase(isolated.DATABASE_URL);
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '1', AUTO_RESOLVE_MINUTES: '600' });
});
afterAll(async () => {
  await site?.stop();
  await db?.$disconnect();
});

describe('a status change lost half-way', () => {
  it('is shown at the next evaluation: component, status history and the automatic incident', async () => {
    const inbound = await db.component.findUniqueOrThrow({ where: { slug: 'mail-inbound' } });
    expect(inbound.status).toBe('operational');
    // The state a crash leaves: the rule moved to "degraded" (and its version on), nothing else.
    const now = new Date();
    await db.componentMetricRule.updateMany({
      where: { componentId: inbound.id },
      data: { ruleStatus: 'degraded_performance', version: { increment: 1 }, lastWindowAt: new Date(now.getTime() - 20_000), lastDataAt: now, noDataAfterS: 3600 },
    });
    await db.component.update({ where: { id: inbound.id }, data: { currentValue: 420 } });

    const shown = await waitFor('the component to show the rule’s status', async () => {
      const c = await db.component.findUniqueOrThrow({ where: { id: inbound.id } });
      return c.status === 'degraded_performance' ? c : undefined;
    }, 30_000, 250);
    expect(shown.noData).toBe(false);
    const changes = await db.componentStatusChange.findMany({ where: { componentId: inbound.id, cause: 'rule' }, select: { oldStatus: true, newStatus: true } });
    expect(changes).toEqual([{ oldStatus: 'operational', newStatus: 'degraded_performance' }]);
    const incident = await waitFor('the automatic incident', () => db.incident.findFirst({ where: { autoOpenFor: inbound.id }, include: { updates: true } }), 30_000, 250);
    expect(incident).toMatchObject({ source: 'auto', status: 'investigating', published: true });
    expect(incident.updates[0]!.bodyJa).toContain('メール受信に遅延が発生しております');
    // Applied once: later evaluations find nothing left to do.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await db.componentStatusChange.count({ where: { componentId: inbound.id, cause: 'rule' } })).toBe(1);
    expect(await db.incident.count({ where: { source: 'auto' } })).toBe(1);
  }, 90_000);
});
