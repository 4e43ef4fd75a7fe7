// Moves accepted mail through the stages: wait for a scan (fair queue) -> scan (bounded pool)
// -> deliver (Maildir or relay) -> done, deferred with backoff, or bounced with a DSN. The status
// site's own mail (the priority lane, lanes.ts) arrives already past the scan and is delivered
// before anything else waiting for a delivery slot.
// Every stage change is timestamped so each delay splits into receive/queue/scan/deliver.
import type { QueuedMessageSummary } from '#contracts/mta-admin-api';
import type { MtaConfig } from '../config.js';
import { lifetimeExpired, nextRetryDelayMs } from '../deliver/backoff.js';
import { DestinationScheduler, type DestinationSnapshot } from '../deliver/destination-scheduler.js';
import { buildBounce, type FailedRecipient } from '../deliver/dsn.js';
import type { MaildirStore } from '../deliver/maildir.js';
import type { Relay, RecipientOutcome } from '../deliver/relay.js';
import { flowOf, flowQueueStates, RecentDestinations, type FlowQueueState, type MailFlow } from '../metrics/flows.js';
import type { QueueSnapshot } from '../metrics/metrics.js';
import type { Telemetry } from '../metrics/telemetry.js';
import type { MessageTrace } from '../state/message-trace.js';
import type { RecipientPolicy } from '../policy/recipient-policy.js';
import type { SenderReputation } from '../reputation/sender-reputation.js';
import { FairQueue, KnownFirstQueue, type SenderClassName } from '../scan/fair-queue.js';
import { runScanners, type ScanInput, type ScanVerdict, type Scanner } from '../scan/scanner.js';
import type { ScanPolicyController } from '../scan/scan-policy.js';
import { DeliveryContent, headerBlock, type MessageBody } from '../spool/message-body.js';
import { newQueueId, type QueuedMessage, type Recipient, type ScanResult, type Spool } from '../spool/spool.js';
import { laneHeader, laneOf } from './lanes.js';
import { hasOwnHeaders, scanHeaders, withoutSpamHeaders } from './message-headers.js';

export interface QueueDependencies {
  config: MtaConfig;
  spool: Spool;
  scanners: Scanner[];
  policy: ScanPolicyController;
  telemetry: Telemetry;
  maildir: MaildirStore;
  relay: Relay;
  recipients: RecipientPolicy;
  /** The mail trace's records (each stage's time per recipient), when kept. */
  trace?: MessageTrace;
  /** Known senders first (mta/reputation); without it every sender is treated as known, as before. */
  reputation?: SenderReputation;
  log: (line: string) => void;
}

const fmt = (ms: number) => (Math.max(0, ms) / 1000).toFixed(2);

export class QueueManager {
  private readonly messages = new Map<string, QueuedMessage>();
  private readonly scanQueue: KnownFirstQueue<QueuedMessage>;
  private readonly deliverQueue = new FairQueue<QueuedMessage>('fifo', 0);
  /** The priority lane's mail waiting for a delivery slot: served before deliverQueue. */
  private readonly laneDeliverQueue = new FairQueue<QueuedMessage>('fifo', 0);
  private readonly deferred = new Set<string>();
  private readonly scanning = new Set<string>();
  private readonly delivering = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private inlineScans = 0;
  private readonly recentDestinations = new RecentDestinations();
  /** Relayed mail's per-destination limits; mail waiting for a busy or held destination waits here. */
  private readonly destinationLimits: DestinationScheduler<QueuedMessage>;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;

  constructor(private readonly d: QueueDependencies) {
    this.scanQueue = new KnownFirstQueue<QueuedMessage>(d.config.scan.scheduler, d.config.scan.priorityAgeMs);
    this.destinationLimits = new DestinationScheduler<QueuedMessage>(d.config.delivery.destinations);
  }

  /** Picks up everything a previous run accepted and did not finish. */
  start(): number {
    const recovered = this.d.spool.loadUnfinished();
    for (const message of recovered) this.enqueue(message, false);
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
    this.pump();
    return recovered.length;
  }

  enqueue(message: QueuedMessage, pump = true): void {
    this.messages.set(message.id, message);
    if (!message.recovered) this.learnFromAccepted(message);
    if (message.state === 'scan') this.scanQueue.push(message, this.senderClass(message));
    else if (message.state === 'deferred') this.deferred.add(message.id);
    else this.queueForDelivery(message);
    if (pump) this.pump();
  }

  private senderClass(message: QueuedMessage): SenderClassName {
    return this.d.reputation ? this.d.reputation.classify(message) : 'known';
  }

  /** What a newly accepted message teaches: whom a customer writes to, and an inline scan's verdict. */
  private learnFromAccepted(message: QueuedMessage): void {
    const reputation = this.d.reputation;
    if (!reputation || message.internal) return;
    reputation.customerSent(message);
    if (message.scanResult?.check === 'done') this.learnFromScan(message, message.scanResult.spam || message.scanResult.virus !== null);
  }

  private learnFromScan(message: QueuedMessage, spam: boolean): void {
    const newlyKnown = this.d.reputation?.scanned(message, spam);
    // The rest of a sender's waiting mail moves up as soon as its first message proved clean.
    if (newlyKnown) this.scanQueue.promote(newlyKnown);
  }

  private queueForDelivery(message: QueuedMessage): void {
    if (laneOf(message) === 'submission') this.laneDeliverQueue.push(message);
    else this.deliverQueue.push(message);
  }

  private tick(): void {
    const now = Date.now();
    this.destinationLimits.forgetIdle(now);
    for (const id of this.deferred) {
      const message = this.messages.get(id);
      if (!message) {
        this.deferred.delete(id);
      } else if (message.nextAttemptAt <= now) {
        this.deferred.delete(id);
        message.state = 'deliver';
        this.queueForDelivery(message);
      }
    }
    this.pump();
  }

  /**
   * Takes a waiting message out of the queue for good (the admin "delete"): nobody is told.
   * 'busy' while a scan or a delivery attempt has it in hand: the caller may try again.
   */
  async remove(id: string): Promise<'removed' | 'busy' | 'not_found'> {
    const message = this.messages.get(id);
    if (!message) return 'not_found';
    if (this.scanning.has(id) || this.delivering.has(id)) return 'busy';
    this.forget(message);
    for (const r of message.recipients) if (r.state === 'pending') this.finishRecipient(r, 'bounced', { address: r.address, outcome: 'bounced', status: '5.0.0', diagnostic: 'deleted from the queue by the postmaster' });
    this.d.trace?.recipientsChanged(message);
    await this.d.spool.recordAttempt(message, true);
    this.d.log(`${id}: from=<${message.mailFrom}> deleted from the queue`);
    return 'removed';
  }

  /**
   * Returns a waiting message to its sender now (the admin "bounce"): its pending recipients fail
   * with a non-delivery notification saying so, as when its queue lifetime runs out.
   */
  async returnToSender(id: string, reason: string): Promise<'bounced' | 'busy' | 'not_found'> {
    const message = this.messages.get(id);
    if (!message) return 'not_found';
    if (this.scanning.has(id) || this.delivering.has(id)) return 'busy';
    const body = this.d.spool.body(message);
    this.forget(message);
    const failed: FailedRecipient[] = [];
    for (const r of message.recipients.filter((x) => x.state === 'pending')) {
      const diagnostic = `returned to sender by the postmaster (${reason})${message.lastError ? `; last attempt: ${message.lastError}` : ''}`;
      this.finishRecipient(r, 'bounced', { address: r.address, outcome: 'bounced', status: '5.0.0', diagnostic });
      failed.push({ address: r.address, status: '5.0.0', diagnostic });
    }
    for (const flow of new Set(message.recipients.filter((r) => failed.some((f) => f.address === r.address)).map(flowOf))) this.d.telemetry.bounced(flow);
    this.d.trace?.recipientsChanged(message);
    this.d.log(`${id}: to=${failed.map((b) => `<${b.address}>`).join(',')} status=bounced (${failed[0]?.diagnostic ?? reason})`);
    if (body && failed.length) await this.sendBounce(message, body, failed);
    await this.d.spool.recordAttempt(message, true);
    return 'bounced';
  }

  /** Drops a message from every in-memory queue (the spool row is dealt with by the caller). */
  private forget(message: QueuedMessage): void {
    this.messages.delete(message.id);
    this.deferred.delete(message.id);
    this.scanQueue.remove(message.id);
    this.deliverQueue.remove(message.id);
    this.laneDeliverQueue.remove(message.id);
    this.destinationLimits.remove(message.id);
  }

  /** Retries all deferred mail now (the admin "flush"). */
  async flush(): Promise<number> {
    const ids = [...this.deferred];
    for (const id of ids) {
      const message = this.messages.get(id);
      this.deferred.delete(id);
      if (!message) continue;
      message.nextAttemptAt = 0;
      message.state = 'deliver';
      this.queueForDelivery(message);
    }
    await this.d.spool.flushDeferred();
    const released = this.destinationLimits.releaseHolds();
    if (released > 0) this.d.log(`flush: ${released} held destination(s) released`);
    this.pump();
    return ids.length;
  }

  private oldestScanWaitMs(now: number): number {
    const oldest = this.scanQueue.oldest();
    return oldest ? now - oldest.queuedAt : 0;
  }

  private pump(): void {
    if (this.stopping) return;
    const now = Date.now();
    const { policy } = this.d;
    policy.evaluate(this.oldestScanWaitMs(now), now);
    if (policy.state.policy === 'bypass') {
      for (const { item, cls } of this.scanQueue.drain()) this.bypassScan(item, now, cls);
    } else if (policy.bypassing) {
      // auto: while the scan stage is overloaded, known senders' mail skips it at once, so that the
      // whole stage works through the newcomers' backlog. Unknown mail skips it only while no known
      // mail waits, and only once it has waited the (longer) unknown age: a flood of newcomers is
      // scanned, not let into the mailboxes, for as long as anything else could give way.
      let known: QueuedMessage | undefined;
      while ((known = this.scanQueue.shiftOldest('known'))) this.bypassScan(known, now, 'known');
      let unknown: QueuedMessage | undefined;
      while ((unknown = this.scanQueue.oldestOf('unknown')) && now - unknown.queuedAt >= this.d.config.scan.autoBypassUnknownAgeMs) {
        this.scanQueue.shiftOldest('unknown');
        this.bypassScan(unknown, now, 'unknown');
      }
    }
    while (this.scanning.size < this.d.config.scan.concurrency) {
      const next = this.scanQueue.shift(now);
      if (!next) break;
      const message = next.item;
      this.d.telemetry.leftScanQueue();
      this.scanning.add(message.id);
      void this.scan(message)
        .catch((error) => {
          // Unexpected trouble (database error): the message stays queued and is scanned again later.
          this.d.log(`${message.id}: scan stage failed, retrying in 30 s: ${(error as Error).message}`);
          setTimeout(() => {
            if (!this.stopping && this.messages.has(message.id)) {
              this.scanQueue.push(message, next.cls);
              this.pump();
            }
          }, 30_000).unref();
        })
        .finally(() => {
          this.scanning.delete(message.id);
          this.pump();
        });
    }
    while (this.delivering.size < this.d.config.delivery.concurrency) {
      // Mail that waited for its destination goes first: it was taken from the queues before the rest.
      const message = this.destinationLimits.takeReady(now) ?? this.laneDeliverQueue.shift(now) ?? this.deliverQueue.shift(now);
      if (!message) break;
      let destinations = this.destinationsOf(message);
      const blocked = this.destinationLimits.firstBlocked(destinations, now);
      let suspended: string | undefined;
      if (blocked?.reason === 'held' && lifetimeExpired(message.receivedAt, now, this.d.config.delivery)) {
        // Its time is up and its destination is held: it bounces now, as its next attempt would
        // have made it, without one (Postfix: "delivery temporarily suspended", then expired).
        suspended = `delivery temporarily suspended: ${blocked.destination} held after failed deliveries${message.lastError ? `; last error: ${message.lastError}` : ''}`;
        destinations = new Set();
      } else if (blocked?.reason === 'held' && blocked.untilMs !== undefined && message.receivedAt + this.d.config.delivery.maxQueueLifetimeMs < blocked.untilMs) {
        // It would outlive its lifetime waiting for the hold to end: it comes back then, to bounce.
        message.state = 'deferred';
        message.nextAttemptAt = message.receivedAt + this.d.config.delivery.maxQueueLifetimeMs;
        this.deferred.add(message.id);
        continue;
      } else if (blocked) {
        // Put aside without a delivery slot: other destinations' mail keeps flowing meanwhile.
        this.destinationLimits.park(blocked.destination, message, now);
        continue;
      }
      for (const destination of destinations) this.destinationLimits.start(destination, now);
      this.delivering.add(message.id);
      void this.deliver(message, destinations, suspended)
        .catch((error) => {
          // Unexpected trouble (disk full, database error): keep the message and try again later.
          this.d.log(`${message.id}: delivery attempt failed: ${(error as Error).message}`);
          this.finishDestinations(message.id, destinations, []);
          message.state = 'deferred';
          message.nextAttemptAt = Date.now() + this.d.config.delivery.backoffMinMs;
          this.deferred.add(message.id);
        })
        .finally(() => {
          this.delivering.delete(message.id);
          this.pump();
        });
    }
    this.scheduleWake(now);
  }

  /** The relay destinations a delivery attempt of this message goes to (none for local mail). */
  private destinationsOf(message: QueuedMessage): Set<string> {
    const destinations = new Set<string>();
    for (const r of message.recipients) if (r.state === 'pending' && r.route === 'relay') destinations.add(this.d.relay.destinationOf(r.address));
    return destinations;
  }

  /** Pumps again when a held or rate-delayed destination with mail waiting opens (the tick is too coarse). */
  private scheduleWake(now: number): void {
    const next = this.destinationLimits.nextWakeMs(now);
    if (next === undefined || next >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = next;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(1, next - now));
    this.wakeTimer.unref();
  }

  /** Per-destination state, for /metrics and the admin API. */
  destinations(now = Date.now()): DestinationSnapshot[] {
    return this.destinationLimits.snapshot(now);
  }

  private bypassScan(message: QueuedMessage, now: number, cls: SenderClassName): void {
    this.d.reputation?.skipped(cls);
    message.scanStart = now;
    message.scanEnd = now;
    message.scanResult = { check: 'skipped', score: null, spam: false, virus: null, scanners: [], detail: `scan policy ${this.d.policy.state.policy}` };
    message.state = 'deliver';
    this.d.trace?.scanned(message, 'deliver', true);
    this.d.telemetry.leftScanQueue();
    this.d.telemetry.scanVerdict('skipped');
    void this.d.spool.markScanned(message, 'deliver').catch((error) => this.d.log(`${message.id}: ${(error as Error).message}`));
    this.deliverQueue.push(message);
  }

  /** Runs the scanners and turns their verdicts into a result and what to do with the mail. */
  private async evaluate(input: ScanInput): Promise<{ result: ScanResult; outcome: 'deliver' | 'quarantine' | 'refuse' }> {
    const { config } = this.d;
    let verdicts: ScanVerdict[];
    try {
      verdicts = await runScanners(this.d.scanners, input, config.scan.timeoutMs);
    } catch (error) {
      // Fail open: a broken scanner must not stop mail; the header tells the recipient.
      const detail = (error as Error).message;
      return { result: { check: 'failed', score: null, spam: false, virus: null, scanners: this.d.scanners.map((s) => s.name), detail }, outcome: 'deliver' };
    }
    const scores = verdicts.map((v) => v.score).filter((s): s is number => s !== null);
    const score = scores.length ? Math.round(scores.reduce((a, b) => a + b, 0) * 100) / 100 : null;
    const virus = verdicts.find((v) => v.virus)?.virus ?? null;
    const result: ScanResult = {
      check: 'done',
      score,
      spam: score !== null && score >= config.scan.junkScore,
      virus,
      scanners: verdicts.map((v) => v.scanner),
      detail: verdicts.map((v) => v.detail).filter(Boolean).join(','),
    };
    if (virus) return { result, outcome: 'quarantine' };
    if (score !== null && score >= config.scan.rejectScore) return { result, outcome: 'refuse' };
    return { result, outcome: 'deliver' };
  }

  private verdictName(result: ScanResult, outcome: 'deliver' | 'quarantine' | 'refuse'): 'clean' | 'junk' | 'refused' | 'virus' | 'failed' {
    if (outcome === 'quarantine') return 'virus';
    if (outcome === 'refuse') return 'refused';
    if (result.check === 'failed') return 'failed';
    return result.spam ? 'junk' : 'clean';
  }

  /**
   * MTA_SCAN_INLINE: scans a message before it is acknowledged, so spam over the reject score and
   * viruses are refused at DATA time. Answers undefined when the message should be scanned after
   * queueing as usual: while the scan is bypassed, or when every inline slot is busy (a flood then
   * queues instead of holding SMTP sessions open).
   */
  async scanInline(input: ScanInput): Promise<{ result: ScanResult; outcome: 'deliver' | 'quarantine' | 'refuse'; scanStart: number; scanEnd: number } | undefined> {
    if (this.d.policy.bypassing || this.inlineScans >= this.d.config.scan.concurrency) return undefined;
    this.inlineScans++;
    const scanStart = Date.now();
    try {
      const { result, outcome } = await this.evaluate(input);
      this.d.telemetry.scanVerdict(this.verdictName(result, outcome));
      return { result, outcome, scanStart, scanEnd: Date.now() };
    } finally {
      this.inlineScans--;
    }
  }

  private async scan(message: QueuedMessage): Promise<void> {
    const { config, spool, telemetry } = this.d;
    message.scanStart = Date.now();
    this.d.trace?.scanStarted(message);
    const body = spool.body(message);
    if (!body) {
      this.messages.delete(message.id);
      return;
    }
    const { result, outcome } = await this.evaluate({
      queueId: message.id,
      mailFrom: message.mailFrom,
      recipients: message.recipients.map((r) => r.address),
      clientIp: message.clientIp,
      helo: message.helo,
      message: body,
    });
    if (this.stopping) return; // the scan is repeated after the restart
    message.scanEnd = Date.now();
    message.scanResult = result;
    telemetry.scanVerdict(this.verdictName(result, outcome));
    if (result.check === 'done') this.learnFromScan(message, outcome !== 'deliver' || result.spam);
    if (outcome === 'quarantine') {
      message.state = 'quarantined';
      this.messages.delete(message.id);
      this.d.trace?.scanned(message, 'held');
      await spool.quarantine(message);
      this.d.log(`${message.id}: from=<${message.mailFrom}> quarantined, virus ${result.virus}`);
      return;
    }
    if (outcome === 'refuse') {
      message.state = 'discarded';
      this.messages.delete(message.id);
      this.d.trace?.scanned(message, 'held');
      await spool.markScanned(message, 'discarded');
      this.d.log(`${message.id}: from=<${message.mailFrom}> refused as spam, score ${result.score} >= ${config.scan.rejectScore}`);
      return;
    }
    if (result.check === 'failed') this.d.log(`${message.id}: scan failed, delivering unscanned: ${result.detail}`);
    message.state = 'deliver';
    this.d.trace?.scanned(message, 'deliver');
    await spool.markScanned(message, 'deliver');
    this.deliverQueue.push(message);
  }

  /**
   * What is delivered: the scan verdict headers, the message's own headers without any X-Spam-*
   * a sender put in, then the body, read from the spool as it is written out.
   */
  private async contentFor(message: QueuedMessage, body: MessageBody): Promise<DeliveryContent> {
    if (message.internal) return new DeliveryContent(Buffer.alloc(0), body, 0);
    const verdict = Buffer.from(laneHeader(message) + scanHeaders(message.scanResult, this.d.config.scan.junkScore));
    const block = await headerBlock(body);
    // No end of the headers in the first MiB: nothing that looks like a header block to clean.
    if (!block || !hasOwnHeaders(block.headers.toString('latin1'))) return new DeliveryContent(verdict, body, 0);
    const cleaned = withoutSpamHeaders(Buffer.concat([block.headers, Buffer.from('\r\n\r\n')]));
    return new DeliveryContent(Buffer.concat([verdict, cleaned]), body, block.bodyOffset);
  }

  /**
   * One delivery attempt. `destinations` are the relay destinations whose slots it holds;
   * `suspended` (a reason) defers every relayed recipient without trying them.
   */
  private async deliver(message: QueuedMessage, destinations: Set<string>, suspended?: string): Promise<void> {
    const { spool, maildir, relay, recipients, config } = this.d;
    const body = spool.body(message);
    if (!body) {
      this.finishDestinations(message.id, destinations, []);
      this.messages.delete(message.id);
      return;
    }
    const content = await this.contentFor(message, body);
    const pending = message.recipients.filter((r) => r.state === 'pending');
    const outcomes = new Map<number, RecipientOutcome>();
    const junk = message.scanResult?.check === 'done' && message.scanResult.spam;

    await Promise.all(
      pending
        .filter((r) => r.route === 'local')
        .map(async (r) => {
          if (!recipients.mailboxExists(r.domain, r.localPart)) {
            outcomes.set(r.idx, { address: r.address, outcome: 'bounced', status: '5.1.1', diagnostic: `550 5.1.1 <${r.address}>: Recipient address rejected: User unknown in virtual mailbox table` });
            return;
          }
          const envelope = Buffer.from(`Return-Path: <${message.mailFrom}>\r\nDelivered-To: ${r.address}\r\n`);
          try {
            await maildir.deliver(r.domain, r.localPart, junk ? 'Junk' : 'INBOX', maildir.fileName(message.id, r.idx, message.receivedAt), content, message.recovered === true || message.attempts > 0, envelope);
            outcomes.set(r.idx, { address: r.address, outcome: 'delivered', status: '2.0.0', diagnostic: `delivered to maildir${junk ? ' (Junk)' : ''}` });
          } catch (error) {
            outcomes.set(r.idx, { address: r.address, outcome: 'deferred', status: '4.3.0', diagnostic: `cannot write to maildir: ${(error as Error).message}` });
          }
        }),
    );
    const remote = pending.filter((r) => r.route === 'relay');
    let results: RecipientOutcome[] = [];
    try {
      if (remote.length > 0 && suspended) results = remote.map((r) => ({ address: r.address, outcome: 'deferred', status: '4.4.1', diagnostic: suspended }));
      else if (remote.length > 0) results = await relay.send(message.mailFrom, remote.map((r) => r.address), content);
      remote.forEach((r, i) => outcomes.set(r.idx, results[i]!));
    } finally {
      this.finishDestinations(message.id, destinations, results);
    }

    const now = Date.now();
    const bouncedNow: FailedRecipient[] = [];
    let lastDeferral: RecipientOutcome | undefined;
    for (const r of pending) {
      const o = outcomes.get(r.idx)!;
      this.recentDestinations.touch(flowOf(r), r.domain, now);
      if (o.outcome === 'delivered') this.finishRecipient(r, 'delivered', o);
      else if (o.outcome === 'bounced') {
        this.finishRecipient(r, 'bounced', o);
        bouncedNow.push({ address: r.address, status: o.status, diagnostic: o.diagnostic });
      } else lastDeferral = o;
    }
    const stillPending = message.recipients.filter((r) => r.state === 'pending');
    let deferred = false;
    if (stillPending.length > 0) {
      message.attempts++;
      message.lastError = lastDeferral?.diagnostic ?? 'deferred';
      if (lifetimeExpired(message.receivedAt, now, config.delivery)) {
        for (const r of stillPending) {
          const o = outcomes.get(r.idx)!;
          const diagnostic = `message delivery time expired (${o.diagnostic})`;
          this.finishRecipient(r, 'bounced', { ...o, status: '4.4.7', diagnostic });
          bouncedNow.push({ address: r.address, status: '4.4.7', diagnostic });
        }
      } else if (this.notRetried(message)) {
        for (const r of stillPending) {
          const o = outcomes.get(r.idx)!;
          const diagnostic = `non-delivery notification dropped after one attempt, not retried without SMTP_RELAY_URL (${o.diagnostic})`;
          this.finishRecipient(r, 'bounced', { ...o, diagnostic });
          bouncedNow.push({ address: r.address, status: o.status, diagnostic });
        }
      } else {
        deferred = true;
        message.state = 'deferred';
        message.nextAttemptAt = now + nextRetryDelayMs(message.attempts, config.delivery);
        this.deferred.add(message.id);
        this.d.log(`${message.id}: to=${stillPending.map((r) => `<${r.address}>`).join(',')} status=deferred (${message.lastError}), retry in ${Math.round((message.nextAttemptAt - now) / 1000)} s`);
      }
    }
    this.reportFlows(message, pending, bouncedNow, deferred, now);
    this.d.trace?.recipientsChanged(message, outcomes, now);
    if (bouncedNow.length > 0) {
      this.d.log(`${message.id}: to=${bouncedNow.map((b) => `<${b.address}>`).join(',')} status=bounced (${bouncedNow[0]!.diagnostic})`);
      await this.sendBounce(message, body, bouncedNow);
    }
    const finished = message.recipients.every((r) => r.state !== 'pending');
    if (finished) {
      this.messages.delete(message.id);
      const delivered = message.recipients.filter((r) => r.state === 'delivered');
      if (delivered.length > 0) {
        const d = this.delays(message, now);
        this.d.log(`${message.id}: from=<${message.mailFrom}> to=${delivered.map((r) => `<${r.address}>`).join(',')} delays=${fmt(d.receive)}/${fmt(d.queue)}/${fmt(d.scan)}/${fmt(d.deliver)} total=${fmt(d.total)} status=sent${laneOf(message) === 'submission' ? ' lane=submission' : ''}`);
      }
    }
    await spool.recordAttempt(message, finished);
  }

  /**
   * Tells the destination limits how each destination answered: one that accepted or refused
   * anything for good is alive; one that took nothing and deferred (421, 4xx, no connection) failed.
   */
  private finishDestinations(id: string, destinations: Set<string>, results: RecipientOutcome[]): void {
    const now = Date.now();
    // Emptied as they are finished, so that a failure later in the attempt does not finish them twice.
    for (const destination of [...destinations]) {
      destinations.delete(destination);
      const mine = results.filter((o) => this.d.relay.destinationOf(o.address) === destination);
      const verdict = mine.length === 0 ? 'none' : mine.some((o) => o.outcome !== 'deferred') ? 'ok' : 'failed';
      if (this.destinationLimits.finish(destination, verdict, now)) {
        const held = this.destinationLimits.snapshot(now).find((s) => s.destination === destination);
        this.d.log(`${id}: destination ${destination} held for ${Math.round(this.d.config.delivery.destinations.backoffMs / 1000)} s after ${held?.consecutiveFailures ?? '?'} failed deliveries in a row (${mine[0]?.diagnostic ?? 'deferred'})`);
        // Its waiting mail goes round once more: what has outlived the queue lifetime bounces now
        // instead of waiting through hold after hold; the rest waits again.
        for (const waiting of this.destinationLimits.takeAll(destination)) this.queueForDelivery(waiting);
      }
    }
  }

  /** Where a message's time went: receive, queue (waiting for a scan), scan, deliver. */
  private delays(message: QueuedMessage, now: number) {
    const scanStart = message.scanStart ?? message.queuedAt;
    const scanEnd = message.scanEnd ?? scanStart;
    // An inline scan (MTA_SCAN_INLINE) happens before the message is queued.
    return {
      receive: Math.min(message.queuedAt, scanStart) - message.receivedAt,
      queue: Math.max(0, scanStart - message.queuedAt),
      scan: scanEnd - scanStart,
      deliver: now - Math.max(scanEnd, message.queuedAt),
      total: now - message.receivedAt,
    };
  }

  /**
   * One attempt's outcome, per flow: a flow whose recipients are all done now counts the message
   * as delivered (with its delay) once; a flow with recipients left over counts a deferral.
   */
  private reportFlows(message: QueuedMessage, attempted: Recipient[], bouncedNow: FailedRecipient[], deferred: boolean, now: number): void {
    const { telemetry } = this.d;
    const bounced = new Set(bouncedNow.map((b) => b.address));
    for (const flow of new Set(attempted.map(flowOf))) {
      const inFlow = message.recipients.filter((r) => flowOf(r) === flow);
      if (attempted.some((r) => flowOf(r) === flow && bounced.has(r.address))) telemetry.bounced(flow);
      if (inFlow.some((r) => r.state === 'pending')) {
        if (deferred) telemetry.deferred(flow);
      } else if (inFlow.some((r) => r.state === 'delivered')) {
        telemetry.delivered(flow, this.delays(message, now), inFlow.filter((r) => r.state === 'delivered').map((r) => r.domain));
      }
    }
  }

  /**
   * A non-delivery notification for another domain gets a single attempt when there is no
   * smarthost. With recipient verification off (the 2014 setup) a flood brings bounces to mostly
   * forged senders; retried for the whole queue lifetime they would pile up for days, take delivery
   * slots, and keep the queue age the status site reports high long after the flood. A smarthost
   * queues what it accepts itself, so through one the usual retries apply.
   */
  private notRetried(message: QueuedMessage): boolean {
    return message.internal && !this.d.config.delivery.relayUrl && message.recipients.every((r) => r.state !== 'pending' || r.route === 'relay');
  }

  private finishRecipient(r: Recipient, state: 'delivered' | 'bounced', o: RecipientOutcome): void {
    r.state = state;
    r.status = o.status;
    r.diagnostic = o.diagnostic;
  }

  private async sendBounce(message: QueuedMessage, body: MessageBody, failed: FailedRecipient[]): Promise<void> {
    // Never bounce a bounce, and there is nobody to tell about mail with a null sender.
    if (message.internal || message.mailFrom === '') return;
    const hostname = this.d.config.smtp.hostname;
    const at = message.mailFrom.lastIndexOf('@');
    const domain = message.mailFrom.slice(at + 1).toLowerCase();
    let localPart = message.mailFrom.slice(0, at).toLowerCase();
    let route: Recipient['route'] = 'relay';
    // A notice copy's return path: its report stays here, in the mailbox the notice worker reads.
    const bounces = this.d.recipients.bounceMailbox(domain, localPart);
    if (bounces) [route, localPart] = ['local', bounces];
    else if (this.d.recipients.isHosted(domain)) {
      if (!this.d.recipients.mailboxExists(domain, localPart)) {
        this.d.log(`${message.id}: sender non-delivery notification not sent: <${message.mailFrom}> is not a mailbox here`);
        return;
      }
      route = 'local';
    }
    const dsn = buildBounce({
      hostname,
      queueId: message.id,
      sender: message.mailFrom,
      arrivalDate: new Date(message.receivedAt),
      failed,
      originalHeaders: ((await headerBlock(body))?.headers ?? (await body.head(64 * 1024))).toString('latin1'),
    });
    const id = newQueueId();
    const accepted = await this.d.spool.accept({
      id,
      state: 'deliver',
      clientIp: '127.0.0.1',
      helo: hostname,
      mailFrom: '',
      sourceKey: 'internal',
      size: dsn.length,
      body: dsn,
      receivedAt: Date.now(),
      internal: true,
      recipients: [{ idx: 0, address: message.mailFrom, route, domain, localPart, state: 'pending', status: null, diagnostic: null }],
    });
    this.d.log(`${message.id}: sender non-delivery notification: ${id}`);
    // It enters the queue like mail from outside, so the rollups' accounting balances (what was
    // queued plus what was accepted is what was delivered, bounced or still queued).
    this.d.telemetry.accepted(accepted.recipients.map(flowOf));
    this.enqueue(accepted);
  }

  /** How many messages waiting for a scan a new sender's message would wait behind, for the rollups. */
  scanAhead(now = Date.now()): number {
    return this.scanQueue.aheadOfNewcomer(now);
  }

  /** Each flow's waiting mail, for the rollups. */
  flowSnapshot(now = Date.now()): Record<MailFlow, FlowQueueState> {
    return flowQueueStates(this.messages.values(), this.recentDestinations, now);
  }

  snapshot(now = Date.now()): QueueSnapshot {
    const byState: Record<string, number> = { scan: 0, scanning: 0, deliver: 0, delivering: 0, deferred: 0 };
    let oldest = now;
    for (const m of this.messages.values()) {
      if (m.receivedAt < oldest) oldest = m.receivedAt;
      if (this.scanning.has(m.id)) byState.scanning!++;
      else if (this.delivering.has(m.id)) byState.delivering!++;
      else byState[m.state] = (byState[m.state] ?? 0) + 1;
    }
    byState.quarantined = this.d.spool.countByState().quarantined ?? 0;
    return { byState, depth: this.messages.size, oldestAgeS: (now - oldest) / 1000, oldestScanWaitS: this.oldestScanWaitMs(now) / 1000 };
  }

  /**
   * Who the queued mail comes from, biggest first: during a flood this names the client IPs and
   * sender domains to put on the blocklist (what was done by hand in 2014).
   */
  topSources(limit = 10): { client_ips: Array<{ client_ip: string; queued: number }>; sender_domains: Array<{ domain: string; queued: number }> } {
    const ips = new Map<string, number>();
    const domains = new Map<string, number>();
    for (const m of this.messages.values()) {
      if (m.internal) continue;
      ips.set(m.clientIp, (ips.get(m.clientIp) ?? 0) + 1);
      const domain = m.mailFrom.slice(m.mailFrom.lastIndexOf('@') + 1).toLowerCase() || '<>';
      domains.set(domain, (domains.get(domain) ?? 0) + 1);
    }
    const top = <K extends string>(counts: Map<string, number>, key: K) =>
      [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, limit)
        .map(([name, queued]) => ({ [key]: name, queued }) as { [P in K]: string } & { queued: number });
    return { client_ips: top(ips, 'client_ip'), sender_domains: top(domains, 'domain') };
  }

  /** The admin API's listing (contracts/mta-admin-api.ts), oldest first. */
  list(limit = 100): QueuedMessageSummary[] {
    const now = Date.now();
    return [...this.messages.values()]
      .sort((a, b) => a.receivedAt - b.receivedAt)
      .slice(0, limit)
      .map((m) => ({
        id: m.id,
        // Only waiting mail is in this map: quarantined and refused messages are held in the spool.
        state: this.scanning.has(m.id) ? 'scanning' : this.delivering.has(m.id) ? 'delivering' : (m.state as 'scan' | 'deliver' | 'deferred'),
        from: m.mailFrom,
        to: m.recipients.filter((r) => r.state === 'pending').map((r) => r.address),
        client_ip: m.clientIp,
        size: m.size,
        age_s: Math.round((now - m.receivedAt) / 100) / 10,
        attempts: m.attempts,
        next_attempt_at: m.state === 'deferred' ? new Date(m.nextAttemptAt).toISOString() : null,
        last_error: m.lastError,
        lane: laneOf(m),
      }));
  }

  /**
   * Stops taking new work and waits (up to timeoutMs) for deliveries in flight to finish their
   * writes. Scans in flight are abandoned: their messages are still in the spool and are scanned
   * again after the restart.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    this.stopping = true;
    const deadline = Date.now() + timeoutMs;
    while (this.delivering.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
