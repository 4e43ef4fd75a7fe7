// What each endpoint of the admin API does. Requests arrive checked against the contract
// (contracts/mta-admin-api.ts) and the answers are typed by it: a handler that answered with
// another shape would not compile.
import type { JsonEndpointName, RequestOf, ResponseOf } from '#contracts/mta-admin-api';
import type { MtaConfig } from '../config.js';
import type { MtaMetrics } from '../metrics/metrics.js';
import { normalizeBlocklistValue } from '../policy/blocklist.js';
import type { BlocklistKeeper } from '../policy/blocklist-keeper.js';
import { hashPassword } from '../policy/credentials.js';
import type { RecipientPolicy } from '../policy/recipient-policy.js';
import type { QueueManager } from '../queue/queue-manager.js';
import type { ScanPolicyController } from '../scan/scan-policy.js';
import type { Spool } from '../spool/spool.js';
import type { MessageTrace } from '../state/message-trace.js';
import type { StateStore } from '../state/state-store.js';
import { HttpError } from './http-error.js';

export interface AdminDependencies {
  config: MtaConfig;
  adminToken: string;
  store: StateStore;
  spool: Spool;
  queue: QueueManager;
  policy: ScanPolicyController;
  blocklist: BlocklistKeeper;
  recipients: RecipientPolicy;
  metrics: MtaMetrics;
  trace: MessageTrace;
  log: (line: string) => void;
}

export interface Answer<N extends JsonEndpointName> {
  /** 200 unless said otherwise. */
  status?: number;
  body: ResponseOf<N>;
}

export type JsonHandlers = { [N in JsonEndpointName]: (request: RequestOf<N>) => Answer<N> | Promise<Answer<N>> };

const DEFAULT_ACTOR = 'admin-api';
const tenths = (n: number) => Math.round(n * 10) / 10;
const busy = (id: string) => new HttpError(409, 'busy', `message ${id} is being scanned or delivered right now; try again in a moment`);

export function adminHandlers(d: AdminDependencies): JsonHandlers {
  const { queue, policy, store, spool } = d;
  return {
    health: () => {
      const snap = queue.snapshot();
      return { body: { status: 'ok', queue_depth: snap.depth, oldest_age_s: tenths(snap.oldestAgeS), scan_policy: policy.state.policy, scan_bypassing: policy.bypassing } };
    },

    queue: ({ query }) => {
      const snap = queue.snapshot();
      return {
        body: {
          depth: snap.depth,
          by_state: snap.byState,
          oldest_age_s: tenths(snap.oldestAgeS),
          oldest_scan_wait_s: tenths(snap.oldestScanWaitS),
          top_sources: queue.topSources(),
          messages: queue.list(query.limit),
          quarantined: spool.listHeld('quarantined', query.limit),
          refused_as_spam: spool.listHeld('discarded', query.limit),
          destinations: queue.destinations().map((x) => ({ destination: x.destination, active: x.active, waiting: x.waiting, consecutive_failures: x.consecutiveFailures, held_until: x.heldUntil === null ? null : new Date(x.heldUntil).toISOString(), probing: x.probing })),
        },
      };
    },
    deleteMessage: async ({ params: { id }, query }) => {
      const outcome = await queue.remove(id);
      if (outcome === 'busy') throw busy(id);
      if (outcome === 'not_found') {
        if (!(await spool.deleteHeld(id))) throw new HttpError(404, 'not_found', `no message ${id} in the queue, the quarantine or the refused spam`);
        d.log(`${id}: deleted from the quarantine`);
      }
      store.recordEvent('queue', query.actor ?? DEFAULT_ACTOR, null, { action: 'delete', id });
      return { body: { deleted: id } };
    },
    bounceMessage: async ({ params: { id }, body }) => {
      const outcome = await queue.returnToSender(id, body.reason);
      if (outcome === 'busy') throw busy(id);
      if (outcome === 'not_found') throw new HttpError(404, 'not_found', `no message ${id} waiting in the queue`);
      store.recordEvent('queue', body.actor ?? DEFAULT_ACTOR, body.reason, { action: 'bounce', id });
      return { body: { bounced: id } };
    },

    blocklist: () => {
      const { policy: settings } = d.config;
      return {
        body: {
          enabled: settings.blocklist,
          auto_block: {
            enabled: settings.autoBlock.enabled,
            messages_per_minute: settings.autoBlock.messagesPerMinute,
            rejected_recipients_per_minute: settings.autoBlock.rejectedRecipientsPerMinute,
            auth_failures: settings.autoBlock.authFailures,
            auth_failure_window_minutes: settings.authThrottle.windowMs / 60_000,
            minutes: settings.autoBlock.durationMs / 60_000,
          },
          entries: d.blocklist.entries(),
        },
      };
    },
    block: ({ body }) => {
      const normalized = normalizeBlocklistValue(body.kind, body.value);
      if ('error' in normalized) throw new HttpError(400, 'invalid_request', `value: ${normalized.error}`);
      const expiresAt = body.expires_in_minutes === undefined ? null : new Date(Date.now() + body.expires_in_minutes * 60_000);
      const { entry, outcome } = d.blocklist.add({ kind: body.kind, value: normalized.value, reason: body.reason ?? null, actor: body.actor ?? DEFAULT_ACTOR, expiresAt });
      return { status: outcome === 'created' ? 201 : 200, body: { entry, created: outcome === 'created' } };
    },
    unblock: ({ params: { id }, query }) => {
      const removed = d.blocklist.remove(id, query.actor ?? DEFAULT_ACTOR);
      if (!removed) throw new HttpError(404, 'not_found', `no blocklist entry with id ${id}`);
      return { body: { removed } };
    },

    scanPolicy: () => ({
      body: {
        ...policy.state,
        oldest_scan_wait_s: tenths(queue.snapshot().oldestScanWaitS),
        auto: {
          bypass_age_s: d.config.scan.autoBypassAgeMs / 1000,
          resume_age_s: d.config.scan.autoResumeAgeMs / 1000,
          min_bypass_s: d.config.scan.autoMinBypassMs / 1000,
        },
        events: store.listEvents(20, 'scan_policy'),
      },
    }),
    setScanPolicy: ({ body }) => {
      const result = policy.set(body.policy, body.actor ?? DEFAULT_ACTOR, body.reason);
      return { body: { changed: result.changed, ...result.state } };
    },
    flush: async ({ body }) => {
      const flushed = await queue.flush();
      store.recordEvent('flush', body.actor ?? DEFAULT_ACTOR, null, { flushed });
      d.log(`flush: ${flushed} deferred messages retried now`);
      return { body: { flushed } };
    },

    mailboxes: () => ({ body: { domains: store.listDomains() } }),
    addMailbox: ({ body }) => {
      const [local, domain] = body.address.split('@') as [string, string];
      if (!d.recipients.isHosted(domain)) throw new HttpError(404, 'not_found', `${domain} is not a hosted domain; create it with PUT /api/domains/${domain}`);
      const created = store.addMailbox(domain, local);
      d.recipients.load(store.listDomains());
      if (created) store.recordEvent('mailbox', body.actor ?? DEFAULT_ACTOR, null, { action: 'add', address: body.address });
      return { status: created ? 201 : 200, body: { address: body.address, created } };
    },
    setMailboxPassword: async ({ params: { address }, body }) => {
      const [local, domain] = address.split('@') as [string, string | undefined];
      if (!domain || !d.recipients.mailboxExists(domain, local)) throw new HttpError(404, 'not_found', `${address} is not a hosted mailbox`);
      store.setPasswordHash(address, await hashPassword(body.password));
      store.recordEvent('mailbox', body.actor ?? DEFAULT_ACTOR, null, { action: 'set-password', address });
      return { body: { address, smtp_auth: true } };
    },
    putDomain: ({ params: { name }, body }) => {
      store.upsertDomain(name, body.verify_recipients);
      d.recipients.load(store.listDomains());
      store.recordEvent('domain', body.actor ?? DEFAULT_ACTOR, null, { domain: name, verify_recipients: body.verify_recipients });
      d.log(`domain ${name}: recipient verification ${body.verify_recipients ? 'on' : 'off'}`);
      const domain = store.listDomains().find((x) => x.name === name);
      if (!domain) throw new Error(`domain ${name} was not stored`);
      return { body: domain };
    },

    events: ({ query }) => ({ body: { events: store.listEvents(query.limit, query.kind) } }),

    // Neither value is logged: the log would then say who wrote to whom.
    traceMessage: ({ body }) => ({ body: d.trace.lookup(body.message_id, body.recipient) }),
  };
}
