// Puts a flooding client on the blocklist by itself, for a while: what the 2014 operators did by
// hand, hours into the incident. The entry is for the one client (an IPv4 address, or an IPv6
// client's /64: see clientNetwork) and expires, because flood sources are often hijacked or shared
// hosts that send legitimate mail again later.
// Trusted networks and authenticated senders are never blocked: they are our own systems and
// customers (a newsletter run from a customer's account must not lock the customer out). A client
// that fails to log in too often is blocked too (AuthThrottle counts, authFailures() blocks).
import { AUTO_BLOCK_ACTOR } from '#contracts/mta-admin-api';
import type { BlocklistEntry } from '../state/state-store.js';
import { normalizeBlocklistValue } from './blocklist.js';
import type { BlocklistKeeper } from './blocklist-keeper.js';
import { FloodDetector, type FloodMeasurement } from './flood-detector.js';
import { clientNetwork, type NetworkList } from './ip-ranges.js';

export { AUTO_BLOCK_ACTOR };

export interface AutoBlockSettings {
  enabled: boolean;
  messagesPerMinute: number;
  rejectedRecipientsPerMinute: number;
  /** failed and refused logins within AuthThrottle's window that block a client; 0 = never */
  authFailures?: number;
  durationMs: number;
}

export interface SmtpClient {
  ip: string;
  authenticated: boolean;
}

export interface AutoBlockDependencies {
  settings: AutoBlockSettings;
  trusted: NetworkList;
  keeper: BlocklistKeeper;
  onBlocked?: (entry: BlocklistEntry, measurement: FloodMeasurement) => void;
}

const TRIGGER_WORDS: Record<FloodMeasurement['trigger'], string> = { messages: 'messages', rejected_recipients: 'refused recipients', auth_failures: 'failed logins' };

export function autoBlockReason(m: FloodMeasurement): string {
  return `auto: ${m.count} ${TRIGGER_WORDS[m.trigger]} in ${m.windowS} s (limit ${m.threshold})`;
}

/** Whether a temporary entry was made for failed logins (its reply says so), from its reason. */
export function blockedForLogins(reason: string | null): boolean {
  return reason !== null && reason.startsWith('auto: ') && reason.includes(` ${TRIGGER_WORDS.auth_failures} in `);
}

export class AutoBlocker {
  private readonly detector: FloodDetector;

  constructor(private readonly d: AutoBlockDependencies) {
    this.detector = new FloodDetector(d.settings);
  }

  /** Counts one MAIL transaction; returns the new entry when this put the client on the blocklist. */
  message(client: SmtpClient, now = Date.now()): BlocklistEntry | undefined {
    return this.consider(client, now, (ip) => this.detector.message(ip, now));
  }

  /** Counts one refused recipient; returns the new entry when this put the client on the blocklist. */
  rejectedRecipient(client: SmtpClient, now = Date.now()): BlocklistEntry | undefined {
    return this.consider(client, now, (ip) => this.detector.rejectedRecipient(ip, now));
  }

  /**
   * A client has failed or been refused `count` logins within `windowS` (AuthThrottle counts);
   * returns the new entry when that put it on the blocklist.
   */
  authFailures(client: SmtpClient, count: number, windowS: number, now = Date.now()): BlocklistEntry | undefined {
    const threshold = this.d.settings.authFailures ?? 0;
    return this.consider(client, now, () => (threshold > 0 && count >= threshold ? { trigger: 'auth_failures', count, threshold, windowS } : undefined));
  }

  sweep(now = Date.now()): void {
    this.detector.sweep(now);
  }

  private consider(client: SmtpClient, now: number, record: (ip: string) => FloodMeasurement | undefined): BlocklistEntry | undefined {
    if (!this.d.settings.enabled || client.authenticated || this.d.trusted.contains(client.ip)) return undefined;
    const network = clientNetwork(client.ip);
    const measurement = record(network);
    if (!measurement) return undefined;
    this.detector.forget(network);
    const address = normalizeBlocklistValue('client', network);
    if ('error' in address) return undefined;
    let added: ReturnType<BlocklistKeeper['add']>;
    try {
      added = this.d.keeper.add(
        {
          kind: 'client',
          value: address.value,
          reason: autoBlockReason(measurement),
          actor: AUTO_BLOCK_ACTOR,
          expiresAt: new Date(now + this.d.settings.durationMs),
          detail: { trigger: measurement.trigger, count: measurement.count, threshold: measurement.threshold, window_s: measurement.windowS },
        },
        new Date(now),
      );
    } catch (error) {
      // A failing state store (disk full, locked) must not take the SMTP server down with it:
      // the client stays unblocked, and the next message that trips the limit tries again.
      console.error(`auto-block of ${network} failed: ${(error as Error).message}`);
      return undefined;
    }
    const { entry, outcome } = added;
    // 'exists': a block already covers the address (another session of the same client won the race).
    if (outcome === 'exists') return undefined;
    this.d.onBlocked?.(entry, measurement);
    return entry;
  }
}
