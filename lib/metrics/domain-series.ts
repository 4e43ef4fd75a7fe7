import 'server-only';
import { db } from '../db';
import { env } from '../env';
import { addInto, emptyCounts, readCounts, total, type Counts } from '#contracts/histogram';
import { OTHER_DOMAINS, type Rollup } from '#contracts/rollup-schema';
import { bucketStart } from './resolutions';

// Per hosted domain inbound series (MailDomainBucket), folded from the rollups' `domains` in the
// ingest's transaction. Only domains a sender listed on their own are kept: "other" stands for
// domains nobody may look up one by one, and the overall inbound series already holds its mail.

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/** Minutes for the lookup's current figures, hours for today's chart beyond the minutes kept. */
export const DOMAIN_RESOLUTIONS = ['1m', '1h'] as const;

interface Part {
  windowStart: number;
  delivered: number;
  counts: Counts;
  delayMax: number | null;
  waiting: Counts;
  oldestAgeS: number;
}

/** Folds the `domains` of freshly stored inbound rollups into each domain's minute and hour buckets. */
export async function foldDomainSeries(tx: Tx, fresh: Rollup[]): Promise<void> {
  const parts = fresh.flatMap((r) =>
    r.flow === 'inbound' && r.domains
      ? r.domains
          .filter((d) => d.domain !== OTHER_DOMAINS)
          .map((d) => ({
            domain: d.domain,
            part: { windowStart: r.window_start.getTime(), delivered: d.delivered, counts: d.delay_histogram, delayMax: d.delay_max_s, waiting: d.waiting_histogram, oldestAgeS: d.oldest_age_s } satisfies Part,
          }))
      : [],
  );
  if (!parts.length) return;
  for (const resolution of DOMAIN_RESOLUTIONS) {
    const groups = new Map<string, { domain: string; start: Date; parts: Part[] }>();
    for (const { domain, part } of parts) {
      const start = bucketStart(new Date(part.windowStart), resolution, env.SITE_TIME_ZONE);
      const key = `${domain}\0${start.getTime()}`;
      const group = groups.get(key) ?? { domain, start, parts: [] };
      group.parts.push(part);
      groups.set(key, group);
    }
    const rows = await tx.mailDomainBucket.findMany({
      where: { resolution, OR: [...groups.values()].map((g) => ({ domain: g.domain, bucketStart: g.start })) },
    });
    const rowOf = new Map(rows.map((r) => [`${r.domain}\0${r.bucketStart.getTime()}`, r]));
    for (const [key, { domain, start, parts: members }] of groups) {
      const row = rowOf.get(key);
      const counts = row ? readCounts(row.histogram) : emptyCounts();
      let delayMax = row?.delayMax ?? null;
      let oldestAgeMax = row?.oldestAgeMax ?? 0;
      let delivered = row?.delivered ?? 0;
      for (const p of members) {
        addInto(counts, p.counts);
        delivered += p.delivered;
        if (p.delayMax !== null) delayMax = Math.max(delayMax ?? 0, p.delayMax);
        oldestAgeMax = Math.max(oldestAgeMax, p.oldestAgeS);
      }
      // What waits now: the newest window's ages, summed over the sources that reported that
      // window, whether they pushed in this batch or an earlier one.
      let waitingAt = row?.waitingAt?.getTime() ?? null;
      let waiting = row?.waitingHistogram ? readCounts(row.waitingHistogram) : null;
      let waitingMax = row?.waitingMax ?? 0;
      const byWindow = new Map<number, Counts>();
      for (const p of members) byWindow.set(p.windowStart, addInto(byWindow.get(p.windowStart) ?? emptyCounts(), p.waiting));
      for (const [windowStart, ages] of [...byWindow].sort((a, b) => a[0] - b[0])) {
        if (waitingAt === null || windowStart > waitingAt) {
          waitingAt = windowStart;
          waiting = ages;
        } else if (windowStart === waitingAt) {
          waiting = addInto(waiting ?? emptyCounts(), ages);
        }
        waitingMax = Math.max(waitingMax, total(ages), windowStart === waitingAt && waiting ? total(waiting) : 0);
      }
      const data = {
        delivered,
        histogram: JSON.stringify(counts),
        delayMax,
        oldestAgeMax,
        waitingMax,
        waitingHistogram: waiting ? JSON.stringify(waiting) : null,
        waitingAt: waitingAt === null ? null : new Date(waitingAt),
        windows: (row?.windows ?? 0) + members.length,
      };
      if (row) await tx.mailDomainBucket.update({ where: { id: row.id }, data });
      else await tx.mailDomainBucket.create({ data: { resolution, domain, bucketStart: start, ...data } });
    }
  }
}

/** Drops domain buckets past the retention of the overall series of the same resolution. */
export async function pruneDomainSeries(now = new Date()): Promise<void> {
  const before = (days: number) => new Date(now.getTime() - days * 86_400_000);
  await db.mailDomainBucket.deleteMany({ where: { resolution: '1m', bucketStart: { lt: before(env.METRICS_RETENTION_1M_DAYS) } } });
  await db.mailDomainBucket.deleteMany({ where: { resolution: '1h', bucketStart: { lt: before(env.METRICS_RETENTION_1H_DAYS) } } });
}
