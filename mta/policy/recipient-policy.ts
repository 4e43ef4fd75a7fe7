// Decides each RCPT TO: hosted mailbox, unknown user of a hosted domain, or relay.
import { BOUNCE_MAILBOX, isBounceLocalPart } from '#contracts/bounce-address';
import type { HostedDomain } from '../state/state-store.js';

export type RecipientDecision =
  | { action: 'accept-local'; domain: string; localPart: string }
  | { action: 'accept-relay'; domain: string }
  | { action: 'reject-unknown-user' }
  | { action: 'reject-relay' };

export function splitAddress(address: string): { localPart: string; domain: string } {
  const at = address.lastIndexOf('@');
  if (at < 0) return { localPart: address, domain: '' };
  return { localPart: address.slice(0, at), domain: address.slice(at + 1).toLowerCase().replace(/\.$/, '') };
}

export class RecipientPolicy {
  private domains = new Map<string, { verify: boolean; mailboxes: Set<string> }>();

  /**
   * @param bounceDomain the notices' domain: "bounces" and every "bounces+…" address there is the
   * notice worker's bounce mailbox (contracts/bounce-address.ts), hosted or not, so reports about
   * notice copies, the MTA's own included, are delivered here and never go out to the network.
   */
  constructor(
    private readonly verificationEnabled: boolean,
    private readonly bounceDomain?: string,
  ) {}

  /** The bounce mailbox, when `localPart@domain` is one of its addresses. */
  bounceMailbox(domain: string, localPart: string): string | null {
    return this.bounceDomain && domain.toLowerCase() === this.bounceDomain && isBounceLocalPart(localPart) ? BOUNCE_MAILBOX : null;
  }

  load(domains: HostedDomain[]): void {
    this.domains = new Map(domains.map((d) => [d.name, { verify: d.verify_recipients, mailboxes: new Set(d.mailboxes) }]));
  }

  isHosted(domain: string): boolean {
    return this.domains.has(domain.toLowerCase());
  }

  mailboxExists(domain: string, localPart: string): boolean {
    if (this.bounceMailbox(domain, localPart)) return true;
    return this.domains.get(domain.toLowerCase())?.mailboxes.has(localPart.toLowerCase()) ?? false;
  }

  decide(address: string, clientMayRelay: boolean): RecipientDecision {
    const { localPart, domain } = splitAddress(address);
    const bounces = this.bounceMailbox(domain, localPart);
    if (bounces) return { action: 'accept-local', domain, localPart: bounces };
    const hosted = this.domains.get(domain);
    if (hosted) {
      const local = localPart.toLowerCase();
      if (hosted.mailboxes.has(local)) return { action: 'accept-local', domain, localPart: local };
      // With verification off (as in 2014) unknown users are accepted and bounced later.
      if (this.verificationEnabled && hosted.verify) return { action: 'reject-unknown-user' };
      return { action: 'accept-local', domain, localPart: local };
    }
    return clientMayRelay ? { action: 'accept-relay', domain } : { action: 'reject-relay' };
  }
}
