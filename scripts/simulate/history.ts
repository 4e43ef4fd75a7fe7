// The replay's legitimate senders are customers' correspondents, not strangers: before a real
// flood they would have written to these mailboxes for weeks. This sends that history the way a
// real MTA sees it: one ordinary message from each legitimate sender, through SMTP, scanned and
// delivered before the warm-up begins. Nothing is written into the MTA's state behind its back.
// (Tayori's MTA counts such history once it is MTA_REPUTATION_MIN_AGE_S old; the replay sets that
// to the warm-up, scenario.ts, so "weeks before" becomes "before the warm-up".)
import { startTraffic, type TrafficSpec } from './traffic';
import { waitFor } from './stack';

export async function sendHistory(port: number, legit: TrafficSpec, delivered: (id: string) => boolean, timeoutMs: number): Promise<{ sent: number; delivered: number }> {
  // One message per sender, quickly: every address of the spec once, in its own session.
  const traffic = startTraffic(port, { ...legit, rate: Math.max(legit.rate, 25) }, 50);
  await waitFor('one history message from every legitimate sender', () => traffic.messages.length >= legit.ips.length, timeoutMs, 100);
  await traffic.stop();
  const accepted = traffic.messages.filter((m) => m.acceptedAt);
  await waitFor('the history to be delivered', () => accepted.every((m) => delivered(m.id)), timeoutMs, 500).catch(() => undefined);
  return { sent: traffic.messages.length, delivered: accepted.filter((m) => delivered(m.id)).length };
}
