// The priority lane. Mail the status site itself submits (incident notices, confirmations) tells
// customers about the very backlog it would otherwise wait behind: a 【障害発生】 notice to a
// mailbox on this MTA must not queue behind the flood it announces. Such mail is recognised by who
// submitted it, never by what it says: only a session that logged in with the site's generated
// credential (SUBMISSION_USER) gets the lane, whatever its headers claim; a customer's own AUTH or a
// trusted network does not.
//
// The lane's check is light: the size limit, the NUL check, recipient verification and the
// relay rules apply as to everyone (they run before the 250); the content scan and the scan queue
// are skipped (the text is the site's own, written from its templates), and delivery takes the
// lane's messages before the rest.
//
// Lane messages are told apart by the queue's source key, which the spool keeps across restarts:
// client IPs never look like it.
import type { QueuedMessage, ScanResult } from '../spool/spool.js';

export const LANES = ['submission', 'standard'] as const;
export type Lane = (typeof LANES)[number];

/** The source key of lane messages (the fair queue's key for everyone else is the client IP). */
export const SUBMISSION_SOURCE_KEY = 'lane:submission';

/** The header the lane's delivered copies carry; a copy of it from a sender is removed at delivery. */
export const LANE_HEADER = 'X-Tayori-Lane';

export function laneOf(message: Pick<QueuedMessage, 'sourceKey'>): Lane {
  return message.sourceKey === SUBMISSION_SOURCE_KEY ? 'submission' : 'standard';
}

/** What the lane's messages record instead of a scan (X-Spam-Check: skipped (…) on delivery). */
export function laneScanResult(): ScanResult {
  return { check: 'skipped', score: null, spam: false, virus: null, scanners: [], detail: 'priority lane: submitted by the status site' };
}

/** The lane header for a delivered copy ('' for standard mail). */
export function laneHeader(message: Pick<QueuedMessage, 'sourceKey'>): string {
  return laneOf(message) === 'submission' ? `${LANE_HEADER}: submission\r\n` : '';
}
