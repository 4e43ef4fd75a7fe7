// Whether mail is scanned. 'bypass' is the 2014 remediation (switch the spam check off by hand);
// 'auto' does the same by itself only while mail has waited too long for a scan, and returns to
// scanning once the backlog has drained. Every switch is recorded as an event for the status site.
import type { ScanPolicy } from '../config.js';
import type { StateStore } from '../state/state-store.js';

export interface ScanPolicyState {
  policy: ScanPolicy;
  bypassing: boolean;
  since: string;
}

export interface AutoThresholds {
  bypassAgeMs: number;
  resumeAgeMs: number;
  minBypassMs: number;
}

export class ScanPolicyController {
  private policy: ScanPolicy;
  private autoBypassing = false;
  private autoSince = 0;
  private since: string;
  private readonly listeners: Array<(state: ScanPolicyState) => void> = [];

  constructor(
    private readonly store: StateStore,
    initial: ScanPolicy,
    private readonly thresholds: AutoThresholds,
    private readonly log: (line: string) => void = () => {},
  ) {
    // A switch made at runtime by an operator outlives a restart; the variable is the start value.
    const saved = store.getSetting('scan_policy') as ScanPolicy | undefined;
    this.policy = saved ?? initial;
    this.since = store.getSetting('scan_policy_since') ?? new Date().toISOString();
  }

  get state(): ScanPolicyState {
    return { policy: this.policy, bypassing: this.bypassing, since: this.since };
  }

  get bypassing(): boolean {
    return this.policy === 'bypass' || (this.policy === 'auto' && this.autoBypassing);
  }

  onChange(listener: (state: ScanPolicyState) => void): void {
    this.listeners.push(listener);
  }

  set(policy: ScanPolicy, actor: string, reason: string | null): { changed: boolean; state: ScanPolicyState } {
    if (policy === this.policy) return { changed: false, state: this.state };
    const from = this.policy;
    this.policy = policy;
    this.autoBypassing = false;
    this.since = new Date().toISOString();
    this.store.setSetting('scan_policy', policy);
    this.store.setSetting('scan_policy_since', this.since);
    this.store.recordEvent('scan_policy', actor, reason, { from, to: policy, bypassing: this.bypassing });
    this.log(`scan policy ${from} -> ${policy} by ${actor}${reason ? ` (${reason})` : ''}`);
    this.emit();
    return { changed: true, state: this.state };
  }

  /** Called regularly with the age of the oldest message waiting for a scan (0 when none). */
  evaluate(oldestWaitMs: number, now = Date.now()): void {
    if (this.policy !== 'auto') return;
    const t = this.thresholds;
    if (!this.autoBypassing && oldestWaitMs >= t.bypassAgeMs) {
      this.autoBypassing = true;
      this.autoSince = now;
      const reason = `oldest message waiting for a scan is ${Math.round(oldestWaitMs / 1000)} s old (threshold ${Math.round(t.bypassAgeMs / 1000)} s)`;
      this.store.recordEvent('scan_policy', 'auto', reason, { from: 'auto', to: 'auto', bypassing: true });
      this.log(`scan bypass started automatically: ${reason}`);
      this.emit();
    } else if (this.autoBypassing && now - this.autoSince >= t.minBypassMs && oldestWaitMs <= t.resumeAgeMs) {
      this.autoBypassing = false;
      const reason = `scan backlog drained (oldest waiting ${Math.round(oldestWaitMs / 1000)} s, resume at ${Math.round(t.resumeAgeMs / 1000)} s)`;
      this.store.recordEvent('scan_policy', 'auto', reason, { from: 'auto', to: 'auto', bypassing: false });
      this.log(`scanning resumed automatically: ${reason}`);
      this.emit();
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.state);
  }
}
