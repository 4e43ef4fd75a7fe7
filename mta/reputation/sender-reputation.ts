// The queue's view of reputation (reputation-store.ts): which class a message waits in, what a
// scan verdict or a customer's outgoing mail teaches, and the Prometheus counters that show the
// classes at work. Without it (MTA_REPUTATION=off) every sender is treated alike, as before.
import client from 'prom-client';
import type { SenderClassName } from '../scan/fair-queue.js';
import type { QueuedMessage } from '../spool/spool.js';
import { pairKey, type KnownBecause, type ReputationStore } from './reputation-store.js';

type Message = Pick<QueuedMessage, 'mailFrom' | 'clientIp' | 'recipients' | 'authenticated'>;

export interface ReputationCounters {
  queued: client.Counter<'sender' | 'because'>;
  skipped: client.Counter<'sender'>;
  learned: client.Counter<'verdict'>;
}

export function reputationCounters(registry: client.Registry, entries: () => number): ReputationCounters {
  const registers = [registry];
  new client.Gauge({ name: 'tayori_mta_reputation_entries', help: 'Senders, sender pairs (domain and client network) and correspondents the MTA remembers', registers, collect() { this.set(entries()); } });
  return {
    queued: new client.Counter({ name: 'tayori_mta_scan_queued_total', help: 'Messages queued for a scan, by sender class (known, unknown) and why a known sender is known (authenticated, history, correspondent)', labelNames: ['sender', 'because'], registers }),
    skipped: new client.Counter({ name: 'tayori_mta_scan_skipped_total', help: 'Messages delivered without a scan (breaker or bypass), by sender class', labelNames: ['sender'], registers }),
    learned: new client.Counter({ name: 'tayori_mta_reputation_learned_total', help: 'Scan verdicts recorded in the reputation store (clean, spam)', labelNames: ['verdict'], registers }),
  };
}

export class SenderReputation {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly store: ReputationStore,
    private readonly counters?: ReputationCounters,
  ) {}

  /** Writes the store out every few seconds: losing a few seconds of history in a crash costs little. */
  start(flushMs = 5000): void {
    this.timer = setInterval(() => this.store.flush(), flushMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.store.flush();
  }

  /** The class a message waits in for its scan, counted. */
  classify(message: Message): SenderClassName {
    const because: KnownBecause = this.store.explain({ mailFrom: message.mailFrom, clientIp: message.clientIp, authenticated: message.authenticated });
    this.counters?.queued.inc({ sender: because ? 'known' : 'unknown', because: because ?? 'none' });
    return because ? 'known' : 'unknown';
  }

  /**
   * A scan's verdict on mail with hosted recipients. Returns a test for waiting mail of the same
   * sender pair when the verdict made it known just now (that mail can move up), else undefined.
   */
  scanned(message: Message, spam: boolean): ((m: Message) => boolean) | undefined {
    if (!message.recipients.some((r) => r.route === 'local')) return undefined;
    this.counters?.learned.inc({ verdict: spam ? 'spam' : 'clean' });
    const newlyKnown = this.store.recordScan({ mailFrom: message.mailFrom, clientIp: message.clientIp }, spam ? 'spam' : 'clean');
    if (!newlyKnown) return undefined;
    const key = pairKey(message);
    return (m) => pairKey(m) === key;
  }

  /** An authenticated customer's message: the people it goes out to become correspondents. */
  customerSent(message: Message): void {
    if (!message.authenticated) return;
    this.store.recordCorrespondents(message.recipients.filter((r) => r.route === 'relay').map((r) => r.address));
  }

  skipped(cls: SenderClassName): void {
    this.counters?.skipped.inc({ sender: cls });
  }
}
