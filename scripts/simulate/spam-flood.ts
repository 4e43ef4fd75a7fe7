// One arm of the 2014 replay: a stack (site, notice worker, MTA) with one MTA setup, legitimate
// mail throughout, a spam flood for the scenario's duration, the page under load meanwhile, and
// then the wait for the queue to drain and for the recovery notice. Everything measured here is
// observed from outside: SMTP replies, files in Maildirs, the public API, the subscriber's inbox.
import path from 'node:path';
import Database from 'better-sqlite3';
import { checkArrivalEstimate, watchArrivalEstimate, type ArrivalCheck } from './arrival';
import { readHostedMailbox } from './hosted-subscriber';
import { MaildirWatcher } from './maildirs';
import { startNoticeInbox, type ReceivedNotice } from './notice-inbox';
import { loadPage, startProxy, watchPublicStatus, type LoadResult } from './observe';
import { mtaSettings, type Scenario, type Setup } from './scenario';
import { sendHistory } from './history';
import { freePort, Stack, waitFor } from './stack';
import { loopbackAddresses, startTraffic, type SentMessage } from './traffic';
import { checkTraces, lookUpAtPeak, pickWaitingMessage, type CustomerLookups } from './lookups';
import { waitForDraftedReport, type DraftedReport, type MtaLogEvent, type Probe } from './report-draft';

export interface ArmInput {
  setup: Setup;
  scenario: Scenario;
  workDir: string;
  distDir: string;
  templateDb: string;
  log?: (line: string) => void;
}

export interface DelayStats {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export interface ArmResult {
  setup: Setup;
  realSeconds: number;
  /** unscanned: legitimate mail of the whole run delivered without a scan (the breaker passing known senders on). */
  legit: { sent: number; accepted: number; refused: number; failed: number; delivered: number; lost: number; duplicates: number; junked: number; delay: DelayStats; unscanned: number };
  /** unscannedInbox: spam in an INBOX without a scan; every spam sender is unknown (none has history). */
  spam: { sent: number; refused: number; failed: number; accepted: number; inbox: number; junk: number; autoBlocked: number; unscannedInbox: number };
  /** Seconds from the start of the flood (null: did not happen). */
  timeline: {
    thresholdCrossed: number | null;
    incidentShown: number | null;
    firstNotice: number | null;
    recovered: number | null;
    recoveryNotice: number | null;
    /** The MTA's breaker started and stopped skipping the spam check (its own event log). */
    scanSkipped: number | null;
    scanResumed: number | null;
    /** The status page's note about it appeared and went. */
    scanNoteShown: number | null;
    scanNoteCleared: number | null;
  };
  /** `/` under load during the flood: straight to Next.js, and through nginx when it is installed. */
  load: { next: LoadResult | null; nginx: LoadResult | null };
  /** Legitimate delay by acceptance time, for the chart: [seconds since flood start, max delay s]. */
  series: [number, number][];
  notices: ReceivedNotice[];
  /** The subscriber whose mailbox is on the flooded MTA (null: no 【障害発生】 reached them). */
  hostedNotice: HostedNoticeResult | null;
  /** The arrival estimate the API showed at the backlog's peak, beside the delay mail accepted then had (null: never shown). */
  arrival: ArrivalCheck | null;
  /** The final report the site drafted when its incident resolved, and the replay's own records to check it against. */
  report: { draft: DraftedReport | null; probes: Probe[]; mtaEvents: MtaLogEvent[] };
  /**
   * A customer's lookups at the flood's worst moment for them (the incident just shown, else the
   * flood's end): their domain's delay, and one of their waiting messages traced then and again
   * once delivered, checked against the replay's own record of it.
   */
  lookups: CustomerLookups | null;
}

export interface HostedNoticeResult {
  /** Seconds from the incident's opening (its created_at) to the notice in their mailbox. */
  afterOpenedS: number | null;
  folder: 'INBOX' | 'Junk';
  /** It came through the MTA's priority lane (X-Tayori-Lane: submission). */
  lane: boolean;
  /** Legitimate messages the MTA accepted at least a second before the notice, delivered after it. */
  overtook: number;
  /** Legitimate messages accepted in the 10 s before the notice, and how many of them it overtook. */
  queuedAlongside: number;
  overtookAlongside: number;
}

export const SUBSCRIBER = 'watcher@subscriber.test';
/** A subscriber whose mailbox is on the flooded MTA: their notices queue where the delay is. */
export const HOSTED_SUBSCRIBER = 'watcher@demo.tayori.test';
/** The MTA's submission password in the replay (the site and worker log in with it, as `npm start` does). */
const SUBMISSION_PASSWORD = 'simulate-submission-password-0123456789';

/**
 * Stages the site's database: the scenario's rule thresholds and one Japanese subscriber (and,
 * with `hostedSubscriber`, a second one whose mailbox is on the MTA).
 */
export function stageSiteDatabase(file: string, s: Scenario, extraSubscribers = 0, hostedSubscriber = false): void {
  const db = new Database(file);
  try {
    db.prepare(
      "UPDATE ComponentMetricRule SET degradedAboveS = ?, partialAboveS = ?, majorAboveS = ?, leaveAfterS = ?, noDataAfterS = ? WHERE componentId = (SELECT id FROM Component WHERE slug = 'mail-inbound')",
    ).run(s.thresholdS, s.thresholdS * 5, s.thresholdS * 30, s.leaveAfterS, s.noDataAfterS);
    const now = new Date().toISOString().replace('Z', '+00:00');
    const insert = db.prepare("INSERT INTO Subscriber (id, email, lang, status, allComponents, tokenVersion, hardBounces, createdAt, updatedAt, confirmedAt) VALUES (?, ?, ?, 'active', 1, 1, 0, ?, ?, ?)");
    db.transaction(() => {
      insert.run('simwatcher', SUBSCRIBER, 'ja', now, now, now);
      if (hostedSubscriber) insert.run('simhosted', HOSTED_SUBSCRIBER, 'ja', now, now, now);
      for (let i = 0; i < extraSubscribers; i++) insert.run(`simsub${i}`, `reader${i}@subscriber.test`, i % 3 ? 'ja' : 'en', now, now, now);
    })();
  } finally {
    db.close();
  }
}

export function stats(values: number[]): DelayStats {
  if (!values.length) return { count: 0, p50: null, p95: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank, as the MTA and the site compute their percentiles.
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
}

export const isOpenedNotice = (n: Pick<ReceivedNotice, 'subject'>) => n.subject.startsWith('【障害発生】') || n.subject.startsWith('[Incident]');
export const isRecoveryNotice = (n: ReceivedNotice) => n.subject.startsWith('【復旧】') || n.subject.startsWith('[Resolved]');

/**
 * Starts a stack for `setup` with the scenario's mailboxes, subscriber and rules. With
 * `hostedSubscriber`, notices go out as with `npm start`: the worker submits them to the MTA with
 * the site's credential, the MTA delivers the hosted subscriber's copy and relays the other to the
 * outside subscriber's server (which refuses everything else, such as the 2014 setup's bounces).
 * Without it (the chaos run, which kills the MTA), the worker sends straight to that server.
 */
export async function startWorld(setup: Setup, s: Scenario, dirs: { workDir: string; distDir: string; templateDb: string }, extraSubscribers = 0, options: { hostedSubscriber?: boolean } = {}) {
  const hosted = options.hostedSubscriber ?? false;
  const inboxPort = await freePort();
  const inbox = await startNoticeInbox(inboxPort, { dir: path.join(dirs.workDir, 'subscriber-mailbox'), address: SUBSCRIBER }, hosted ? SUBSCRIBER.split('@')[1] : undefined);
  // A short lease: copies a killed worker had claimed go out again within seconds, not minutes.
  const siteEnv: Record<string, string> = { SMTP_URL: inbox.url, RULE_TICK_SECONDS: '2', AUTO_RESOLVE_MINUTES: String(s.autoResolveMinutes), NOTICE_POLL_MS: '200', NOTICE_LEASE_SECONDS: '10' };
  const stack = new Stack({
    name: setup,
    workDir: dirs.workDir,
    distDir: dirs.distDir,
    templateDb: dirs.templateDb,
    siteEnv,
    mtaEnv: { ...mtaSettings(setup, s), ...(hosted ? { MTA_SUBMISSION_PASSWORD: SUBMISSION_PASSWORD, SMTP_RELAY_URL: inbox.url } : {}) },
  });
  try {
    await stack.prepare();
    if (hosted) siteEnv.SMTP_URL = `smtp://tayori-submission:${SUBMISSION_PASSWORD}@127.0.0.1:${stack.ports.smtp}`;
    stageSiteDatabase(stack.databaseFile, s, extraSubscribers, hosted);
    await stack.start('mta');
    const mailboxes = hosted ? [HOSTED_SUBSCRIBER] : [];
    for (let i = 1; i <= s.mailboxes; i++) mailboxes.push(`sim${String(i).padStart(3, '0')}@demo.tayori.test`);
    for (const address of mailboxes) {
      const res = await stack.mtaApi('POST', '/api/mailboxes', { address });
      if (res.status >= 300) throw new Error(`could not create a mailbox: ${res.status} ${JSON.stringify(res.json)}`);
    }
    await stack.start('site');
    await stack.start('worker');
  } catch (error) {
    await stack.shutdown();
    await inbox.stop();
    throw error;
  }
  console.log(`${setup}: status page ${stack.siteUrl}/ · MTA console API ${`http://127.0.0.1:${stack.ports.mtaHttp}`} · notices to ${SUBSCRIBER} in ${path.join(dirs.workDir, 'subscriber-mailbox')}`);
  return { stack, inbox };
}

export function trafficSpecs(s: Scenario) {
  const mailbox = (n: number) => `sim${String((n % s.mailboxes) + 1).padStart(3, '0')}@demo.tayori.test`;
  const legit = { kind: 'legit' as const, rate: s.legitRate, ips: loopbackAddresses(10, s.legitSenders), recipient: mailbox };
  // Deterministic mix: of every ten spam messages, spamUnknownShare × 10 go to addresses that do not exist.
  const spam = {
    kind: 'spam' as const,
    rate: s.spamRate,
    ips: loopbackAddresses(20, s.spamSenders),
    // The mix rotates per round of addresses, so every client sends some of each (as a botnet's
    // dictionary run does), not some clients only to real mailboxes.
    recipient: (n: number) => ((n + Math.floor(n / s.spamSenders) * 3) % 10 < s.spamUnknownShare * 10 ? `nobody${n % 5000}@demo.tayori.test` : mailbox(n * 13)),
  };
  return { legit, spam };
}

export async function runFloodArm(input: ArmInput): Promise<ArmResult> {
  const { setup, scenario: s } = input;
  const log = input.log ?? (() => {});
  const started = Date.now();
  const { stack, inbox } = await startWorld(setup, s, input, 0, { hostedSubscriber: true });
  const maildirs = new MaildirWatcher(stack.mailRoot);
  const scanner = setInterval(() => maildirs.scan(), 1000);
  const status = watchPublicStatus(stack.siteUrl);
  const estimates = watchArrivalEstimate(stack.siteUrl);
  const specs = trafficSpecs(s);
  let proxy: Awaited<ReturnType<typeof startProxy>> = null;
  let peak: ReturnType<typeof watchForPeakLookups> | null = null;
  try {
    proxy = await startProxy(stack.ports.site, await freePort());
    const history = await sendHistory(stack.ports.smtp, specs.legit, (id) => (maildirs.scan(), maildirs.byId.has(id)), s.drainTimeoutS * 1000);
    log(`${setup}: history: ${history.delivered} of ${history.sent} earlier messages from the legitimate senders delivered`);
    log(`${setup}: warming up for ${s.warmUpS} s with legitimate mail only`);
    const legit = startTraffic(stack.ports.smtp, specs.legit);
    await sleep(s.warmUpS * 1000);

    log(`${setup}: flood for ${s.floodS} s — legitimate ${s.legitRate} msg/s, spam ${s.spamRate} msg/s from ${s.spamSenders} addresses`);
    const floodStart = Date.now();
    const spam = startTraffic(stack.ports.smtp, specs.spam, 600);
    peak = watchForPeakLookups(stack.siteUrl, floodStart, status.timeline, legit.messages, maildirs);
    // Both loads inside the flood, one after the other, so they do not compete with each other.
    const loadDelay = Math.max(0, (s.floodS - s.loadSeconds * (proxy ? 2 : 1)) / 2) * 1000;
    const attempt = (p: Promise<LoadResult>) => p.catch((e: Error) => (log(`load: ${e.message}`), null));
    const load = sleep(loadDelay).then(async () => {
      const next = await attempt(loadPage(`${stack.siteUrl}/`, 'next', s.loadConnections, s.loadSeconds));
      // A status page behind a cache has visitors before the spike: the first one fills it.
      if (proxy) await fetch(proxy.url).then((r) => r.text(), () => '');
      const nginx = proxy ? await attempt(loadPage(proxy.url, 'nginx', s.loadConnections, s.loadSeconds)) : null;
      return { next, nginx };
    });
    await sleep(s.floodS * 1000);
    const floodEnd = Date.now();
    peak.floodEnded();
    await spam.stop();
    const loadResult = await load;
    log(`${setup}: flood over; ${spam.messages.length} spam messages offered`);

    // Legitimate mail goes on (a healthy status needs measured mail); the flood's mail must drain.
    const duringFlood = (m: SentMessage) => m.sentAt >= floodStart && m.sentAt < floodEnd;
    // Mail to mailboxes that do not exist is bounced, not delivered: only the rest must arrive.
    const accepted = () => [...legit.messages, ...spam.messages].filter((m) => m.acceptedAt && m.sentAt < floodEnd && m.rcpt.startsWith('sim'));
    const undelivered = () => accepted().filter((m) => !maildirs.byId.has(m.id)).length;
    await waitFor('the flood’s mail to drain', () => {
      maildirs.scan();
      const left = undelivered();
      if (left) log(`${setup}: ${left} accepted messages still queued`);
      return left === 0;
    }, s.drainTimeoutS * 1000, 10_000).catch((e: Error) => log(`${setup}: ${e.message}`));

    const breakerEvents = async () => {
      const events = ((await stack.mtaApi('GET', '/api/events?kind=scan_policy&limit=1000')).json?.events ?? []) as Array<{ at: string; actor: string; detail: { bypassing?: boolean } }>;
      return events.filter((e) => e.actor === 'auto').sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    };
    if ((await breakerEvents()).some((e) => e.detail.bypassing)) {
      log(`${setup}: waiting for the spam check to resume and the note to go`);
      await waitFor('the note to be cleared', () => status.timeline.scanNoteClearedAt !== undefined, s.recoveryTimeoutS * 1000, 1000).catch((e: Error) => log(`${setup}: ${e.message}`));
    }
    if (status.timeline.incidentShownAt) {
      log(`${setup}: waiting for the recovery notice`);
      await waitFor('the recovery notice', () => inbox.notices.some((n) => n.to === SUBSCRIBER && isRecoveryNotice(n)), s.recoveryTimeoutS * 1000, 1000).catch((e: Error) => log(`${setup}: ${e.message}`));
    }
    await legit.stop();
    // Mail accepted in the last moments is still on its way: wait for it before counting losses.
    await waitFor('the last accepted mail', () => {
      maildirs.scan();
      return legit.messages.every((m) => !m.acceptedAt || maildirs.byId.has(m.id));
    }, 120_000, 1000).catch((e: Error) => log(`${setup}: ${e.message}`));
    const traced = await peak.result();
    const lookups = traced ? await checkTraces(stack.siteUrl, traced.lookups, traced.message, (m) => maildirs.byId.get(m.id)?.[0]?.deliveredAt ?? null) : null;
    const breaker = await breakerEvents();
    const skipped = breaker.find((e) => e.detail.bypassing === true);
    const resumed = breaker.findLast((e) => e.detail.bypassing === false);
    const draft = status.timeline.incidentShownAt ? await waitForDraftedReport(stack.databaseFile) : null;
    const mtaEvents = ((await stack.mtaApi('GET', '/api/events?limit=1000')).json?.events ?? []) as MtaLogEvent[];
    const blocked = await stack.mtaApi('GET', '/api/blocklist').then((r) => (r.json?.entries ?? []).filter((e: { created_by?: string }) => e.created_by === 'auto').length, () => 0);

    // Legitimate mail offered during the flood, as the customers of 2014 experienced it.
    const floodLegit = legit.messages.filter(duringFlood);
    const allAcceptedLegit = legit.messages.filter((m) => m.acceptedAt);
    const delayOf = (m: SentMessage) => (maildirs.byId.get(m.id)![0]!.deliveredAt - m.acceptedAt!) / 1000;
    const deliveredFloodLegit = floodLegit.filter((m) => m.acceptedAt && maildirs.byId.has(m.id));
    const spamDeliveries = spam.messages.flatMap((m) => maildirs.byId.get(m.id) ?? []);

    // Ground truth for the status page: the first moment an accepted message had waited longer
    // than the threshold, and the last moment one was still waiting that long.
    const thresholdMs = s.thresholdS * 1000;
    const late = accepted().filter((m) => maildirs.byId.has(m.id) && maildirs.byId.get(m.id)![0]!.deliveredAt - m.acceptedAt! > thresholdMs);
    const crossed = late.length ? Math.min(...late.map((m) => m.acceptedAt! + thresholdMs)) : null;
    const recovered = late.length ? Math.max(...late.map((m) => maildirs.byId.get(m.id)![0]!.deliveredAt)) : null;
    const mine = inbox.notices.filter((n) => n.to === SUBSCRIBER);
    const hostedNotice = await hostedNoticeResult(stack.mailRoot, status.timeline.incidentOpenedAt, allAcceptedLegit, (m) => maildirs.byId.get(m.id)?.[0]?.deliveredAt);
    const firstNotice = mine.find(isOpenedNotice)?.receivedAt ?? null;
    const recoveryNotice = mine.find(isRecoveryNotice)?.receivedAt ?? null;
    const rel = (t: number | null | undefined) => (t ? (t - floodStart) / 1000 : null);

    const buckets = new Map<number, number>();
    for (const m of allAcceptedLegit) {
      if (!maildirs.byId.has(m.id)) continue;
      const t = Math.floor((m.acceptedAt! - floodStart) / 5000) * 5;
      buckets.set(t, Math.max(buckets.get(t) ?? 0, delayOf(m)));
    }

    return {
      setup,
      realSeconds: (Date.now() - started) / 1000,
      legit: {
        sent: floodLegit.length,
        accepted: floodLegit.filter((m) => m.acceptedAt).length,
        refused: floodLegit.filter((m) => m.refused).length,
        failed: floodLegit.filter((m) => m.failed).length,
        delivered: deliveredFloodLegit.length,
        lost: allAcceptedLegit.filter((m) => !maildirs.byId.has(m.id)).length,
        duplicates: allAcceptedLegit.filter((m) => (maildirs.byId.get(m.id)?.length ?? 0) > 1).length,
        junked: deliveredFloodLegit.filter((m) => maildirs.byId.get(m.id)![0]!.folder === 'Junk').length,
        delay: stats(deliveredFloodLegit.map(delayOf)),
        // Over the whole run: the breaker may pass correspondents' mail on after the flood too.
        unscanned: allAcceptedLegit.filter((m) => maildirs.byId.get(m.id)?.[0]?.unscanned).length,
      },
      spam: {
        sent: spam.messages.length,
        refused: spam.messages.filter((m) => m.refused).length,
        failed: spam.messages.filter((m) => m.failed).length,
        accepted: spam.messages.filter((m) => m.acceptedAt).length,
        inbox: spamDeliveries.filter((d) => d.folder === 'INBOX').length,
        junk: spamDeliveries.filter((d) => d.folder === 'Junk').length,
        autoBlocked: blocked,
        unscannedInbox: spamDeliveries.filter((d) => d.folder === 'INBOX' && d.unscanned).length,
      },
      timeline: {
        thresholdCrossed: rel(crossed),
        incidentShown: rel(status.timeline.incidentShownAt),
        firstNotice: rel(firstNotice),
        recovered: rel(recovered),
        recoveryNotice: rel(recoveryNotice),
        scanSkipped: rel(skipped ? Date.parse(skipped.at) : null),
        scanResumed: rel(resumed ? Date.parse(resumed.at) : null),
        scanNoteShown: rel(status.timeline.scanNoteShownAt),
        scanNoteCleared: rel(status.timeline.scanNoteClearedAt),
      },
      load: loadResult,
      series: [...buckets].sort((a, b) => a[0] - b[0]),
      notices: mine,
      hostedNotice,
      arrival: checkArrivalEstimate(estimates.samples, allAcceptedLegit, (m) => (maildirs.byId.has(m.id) ? delayOf(m) : null), floodStart),
      report: {
        draft,
        probes: [...legit.messages, ...spam.messages].filter((m) => m.acceptedAt).map((m) => ({ kind: m.kind, rcpt: m.rcpt, sentAt: m.sentAt, acceptedAt: m.acceptedAt!, deliveredAt: maildirs.byId.get(m.id)?.[0]?.deliveredAt ?? null })),
        mtaEvents,
      },
      lookups,
    };
  } finally {
    clearInterval(scanner);
    peak?.stop();
    status.stop();
    estimates.stop();
    proxy?.stop();
    await stack.shutdown();
    await inbox.stop();
    log(`${setup}: stack stopped; logs in ${path.join(input.workDir)}`);
  }
}

/**
 * The hosted subscriber's 【障害発生】: how long after the incident opened it was in their mailbox,
 * and whether it overtook legitimate mail the MTA had accepted before it (mail that waits in the
 * queue the notice announces).
 */
async function hostedNoticeResult(mailRoot: string, openedAt: number | undefined, legit: SentMessage[], deliveredAt: (m: SentMessage) => number | undefined): Promise<HostedNoticeResult | null> {
  const notice = (await readHostedMailbox(mailRoot, HOSTED_SUBSCRIBER)).find(isOpenedNotice);
  if (!notice) return null;
  // acceptedAt is the Received: header's time, to the second: a second's margin keeps "before" true.
  const before = notice.acceptedAt === null ? [] : legit.filter((m) => m.acceptedAt! < notice.acceptedAt! - 1000);
  const alongside = before.filter((m) => m.acceptedAt! >= notice.acceptedAt! - 11_000);
  const later = (m: SentMessage) => (deliveredAt(m) ?? Number.POSITIVE_INFINITY) > notice.deliveredAt;
  return {
    afterOpenedS: openedAt === undefined ? null : (notice.deliveredAt - openedAt) / 1000,
    folder: notice.folder,
    lane: notice.lane === 'submission',
    overtook: before.filter(later).length,
    queuedAlongside: alongside.length,
    overtookAlongside: alongside.filter(later).length,
  };
}

/**
 * A customer's lookups once, at the flood's worst moment for them: when the status page first
 * shows the incident while legitimate mail still waits. An arm whose page shows none by the
 * flood's end is asked at the flood's end, as legitimate mail then has the flood's backlog to pass.
 */
function watchForPeakLookups(siteUrl: string, floodStart: number, timeline: { incidentShownAt?: number }, legit: SentMessage[], maildirs: MaildirWatcher) {
  const domain = HOSTED_SUBSCRIBER.split('@')[1]!;
  let stopped = false;
  let floodOver = false;
  let incidentLookups: ReturnType<typeof lookUpAtPeak> | null = null;
  let endLookups: ReturnType<typeof lookUpAtPeak> | null = null;
  const pick = () => (maildirs.scan(), pickWaitingMessage(legit, (m) => maildirs.byId.has(m.id), Date.now()));
  const watching = (async () => {
    while (!stopped && !incidentLookups) {
      if (timeline.incidentShownAt !== undefined && pick()) incidentLookups = lookUpAtPeak(siteUrl, domain, 'incident_shown', floodStart, pick);
      await sleep(250);
    }
  })();
  return {
    floodEnded() {
      floodOver = true;
      if (!incidentLookups) endLookups = lookUpAtPeak(siteUrl, domain, 'flood_end', floodStart, pick);
    },
    /** The incident's lookups if it was shown while mail waited, else the flood's end's. */
    async result() {
      stopped = true;
      await watching;
      return (await incidentLookups) ?? (floodOver ? await endLookups : null);
    },
    stop() {
      stopped = true;
    },
  };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
