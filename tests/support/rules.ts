import type { TestDatabase } from './database';

/**
 * Waits until the worker has judged every window up to the one starting at `windowStart`, for
 * the rule of `slug`: whatever the windows changed (status, incident) is committed by then, in
 * the same transaction as the rule's progress.
 */
export async function judged(db: TestDatabase, windowStart: Date | number, slug = 'mail-inbound', timeoutMs = 30_000): Promise<void> {
  const target = new Date(windowStart).getTime();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rule = await db.componentMetricRule.findFirst({ where: { component: { slug } }, select: { lastWindowAt: true } });
    if (rule?.lastWindowAt && rule.lastWindowAt.getTime() >= target) return;
    if (Date.now() > deadline) throw new Error(`the worker did not judge the window of ${new Date(target).toISOString()} for ${slug} within ${timeoutMs / 1000} s (last judged: ${rule?.lastWindowAt?.toISOString() ?? 'none'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
