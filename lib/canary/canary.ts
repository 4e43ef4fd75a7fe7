import 'server-only';
import { randomUUID } from 'node:crypto';
import type { CanaryMailbox } from './mailbox';
import { claimProbe, markMissingChecked, recordArrivals, recordSendFailure } from './probes';
import { sendCanary, sendFailure } from './send';

// One canary: each interval a test message is sent (by whichever worker claims the interval), and
// every round the mailbox is read for the ones that arrived. Sending runs beside the reading, so
// a receiving server that does not answer never holds up the arrivals of earlier probes.

export interface CanarySettings {
  smtpUrl: string;
  from: string;
  to: string;
  intervalS: number;
  mailbox: CanaryMailbox;
  log: (line: string) => void;
}

export class Canary {
  private lastSlot = -1;
  private readonly sending = new Set<Promise<void>>();
  private lastReadError: string | null = null;

  constructor(private readonly settings: CanarySettings) {}

  async round(now = new Date()): Promise<void> {
    const slot = Math.floor(now.getTime() / (this.settings.intervalS * 1000));
    if (slot !== this.lastSlot) {
      this.lastSlot = slot;
      const token = randomUUID();
      if (await claimProbe(slot, token, this.settings.to, now)) this.track(this.send(token, now));
    }
    await this.read();
  }

  /** Waits for the sends under way (on stop). */
  async settle(): Promise<void> {
    await Promise.all(this.sending);
  }

  private track(sending: Promise<void>): void {
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }

  private async send(token: string, sentAt: Date): Promise<void> {
    const { smtpUrl, from, to } = this.settings;
    try {
      await sendCanary({ smtpUrl, from, to, token, sentAt });
    } catch (error) {
      const failure = sendFailure(error);
      this.settings.log(`canary: sending to ${to} failed: ${failure}`);
      await recordSendFailure(token, failure).catch(() => {});
    }
  }

  private async read(): Promise<void> {
    const readAt = new Date();
    try {
      const arrivals = await this.settings.mailbox.collect();
      await recordArrivals(arrivals);
      await markMissingChecked(readAt);
      if (this.lastReadError) this.settings.log('canary: the mailbox can be read again');
      this.lastReadError = null;
    } catch (error) {
      const message = (error as Error).message;
      // Said once, not every round: the missing canaries stop counting meanwhile (lib/canary/signal.ts).
      if (message !== this.lastReadError) this.settings.log(`canary: reading the mailbox failed: ${message}`);
      this.lastReadError = message;
    }
  }
}
