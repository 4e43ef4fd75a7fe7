import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseVerpLocalPart, verpLocalPart, type VerpParts } from '#contracts/bounce-address';
import { noticeMailDomain } from '../../site/mail-identity';
import { tokenSecret } from '../../subscribers/tokens';

// Each copy's envelope sender names its delivery, signed with the key of the subscribers' links
// (NOTICE_TOKEN_SECRET, or the one generated under DATA_DIR): a report to a return path we did not
// sign is not ours to act on, however it is worded, so nobody can pause or unsubscribe a
// subscriber by mailing the bounce mailbox.

function signature(subscriberId: string, noticeId: string, secret: string): string {
  return createHmac('sha256', secret).update(`bounce:${noticeId}:${subscriberId}`).digest('hex').slice(0, 16);
}

/** The envelope sender (Return-Path) of the copy of `noticeId` for `subscriberId`. */
export function verpSender(subscriberId: string, noticeId: string, domain = noticeMailDomain(), secret = tokenSecret()): string {
  return `${verpLocalPart(subscriberId, noticeId, signature(subscriberId, noticeId, secret))}@${domain}`;
}

/** What an address at the bounce mailbox says, unchecked: null when it is no VERP address at all. */
export function readVerpAddress(address: string): VerpParts | null {
  const at = address.lastIndexOf('@');
  return at > 0 ? parseVerpLocalPart(address.slice(0, at)) : null;
}

/** Whether `parts` were signed by us for this delivery (its notice and subscriber). */
export function verpSignedFor(parts: VerpParts, delivery: { subscriberId: string; noticeId: string }, secret = tokenSecret()): boolean {
  if (parts.subscriberId !== delivery.subscriberId || !delivery.noticeId.endsWith(parts.noticeTag)) return false;
  const expected = Buffer.from(signature(delivery.subscriberId, delivery.noticeId, secret));
  const given = Buffer.from(parts.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
