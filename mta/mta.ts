// Wires the MTA together: state, spool, policy, scan, delivery, metrics, SMTP and admin HTTP.
import fs from 'node:fs';
import path from 'node:path';
import { SUBMISSION_USER, type MtaConfig } from './config.js';
import { AdminServer } from './admin/admin-server.js';
import { MaildirStore } from './deliver/maildir.js';
import { Relay } from './deliver/relay.js';
import { createLog, type Log } from './log.js';
import { MtaMetrics } from './metrics/metrics.js';
import { RollupPusher } from './metrics/rollup-pusher.js';
import { Telemetry } from './metrics/telemetry.js';
import { AuthThrottle } from './policy/auth-throttle.js';
import { AutoBlocker } from './policy/auto-block.js';
import { Blocklist } from './policy/blocklist.js';
import { BlocklistKeeper } from './policy/blocklist-keeper.js';
import { ClientLimits } from './policy/client-limits.js';
import { NetworkList } from './policy/ip-ranges.js';
import { RecipientPolicy } from './policy/recipient-policy.js';
import { ReputationStore } from './reputation/reputation-store.js';
import { reputationCounters, SenderReputation } from './reputation/sender-reputation.js';
import { QueueManager } from './queue/queue-manager.js';
import { createScanners } from './scan/create-scanners.js';
import { ScanPolicyController } from './scan/scan-policy.js';
import { SmtpIngress } from './smtp/smtp-ingress.js';
import { Spool } from './spool/spool.js';
import { StateStore } from './state/state-store.js';
import { startEventRetention } from './state/event-retention.js';
import { MessageTrace } from './state/message-trace.js';
import { startTraceRetention } from './state/trace-retention.js';
import { readOrCreateToken, restrictToOwner } from './tokens.js';

export interface RunningMta {
  smtpPort: number;
  httpPort: number;
  adminToken: string;
  stop(): Promise<void>;
}

export async function startMta(config: MtaConfig, log: Log = createLog()): Promise<RunningMta> {
  const { paths } = config;
  for (const dir of [paths.spoolDir, paths.mailDir, paths.stateDir]) fs.mkdirSync(dir, { recursive: true });

  // Generated secrets: the log says which file holds one, never what it is (logs are collected,
  // forwarded and kept by other people and programs than the secrets are meant for).
  const secret = (what: string, file: string): string => {
    if (restrictToOwner(file)) log(`${what}: ${file} was readable by others; it is owner-only (0600) again`);
    const result = readOrCreateToken(file);
    log(`${what}: ${result.created ? 'generated in' : 'read from'} ${file}`);
    return result.token;
  };
  const adminToken = config.http.adminToken ?? secret('admin API token', path.join(paths.stateDir, 'admin-token'));
  // Made before the SMTP listener opens: a client that reaches the MTA finds the file in place.
  const submissionPassword = config.policy.submissionPassword ?? secret(`SMTP AUTH password of ${SUBMISSION_USER} (the site and the notice worker)`, paths.submissionPasswordFile);
  let ingestToken = config.site.ingestToken;
  const ingestTokenValue = (): string => {
    if (ingestToken === undefined) {
      restrictToOwner(paths.ingestTokenFile);
      ingestToken = readOrCreateToken(paths.ingestTokenFile).token;
    }
    return ingestToken;
  };

  const store = new StateStore(paths.stateDir);
  const trace = new MessageTrace(paths.stateDir, config.trace.retentionDays);
  trace.onError = (error) => log(`trace: a record could not be written: ${error.message}`);
  const spool = new Spool(paths.spoolDir);
  const blocklist = new Blocklist(config.policy.blocklist);
  const blocklistKeeper = new BlocklistKeeper(store, blocklist, log);
  const recipients = new RecipientPolicy(config.policy.recipientVerification, config.notices.bounceDomain);
  recipients.load(store.listDomains());
  const trusted = new NetworkList(config.policy.trustedNetworks);
  const limits = new ClientLimits(config.smtp.maxConnectionsPerIp, config.smtp.maxMessagesPerMinutePerIp, config.smtp.maxConnectionsPerMinutePerIp);
  const policy = new ScanPolicyController(store, config.scan.policy, {
    bypassAgeMs: config.scan.autoBypassAgeMs,
    resumeAgeMs: config.scan.autoResumeAgeMs,
    minBypassMs: config.scan.autoMinBypassMs,
  }, log);

  // The queue needs telemetry and telemetry reads the queue; the closure breaks the cycle.
  let queue: QueueManager | undefined;
  const snapshot = () => queue!.snapshot();
  const metrics = new MtaMetrics(snapshot, () => policy.state, () => store.outboxSize());
  const telemetry = new Telemetry(metrics, store, config.site.sourceId, () => queue!.flowSnapshot(), () => policy.state, () => queue!.scanAhead());
  telemetry.domainTopN = config.site.domainTopN;
  const autoBlock = new AutoBlocker({
    settings: config.policy.autoBlock,
    trusted,
    keeper: blocklistKeeper,
    onBlocked: (_entry, measurement) => metrics.autoBlocks.inc({ trigger: measurement.trigger }),
  });
  const reputationStore = config.scan.reputation.enabled ? new ReputationStore(store.db, config.scan.reputation) : undefined;
  const reputation = reputationStore ? new SenderReputation(reputationStore, reputationCounters(metrics.registry, () => reputationStore.size)) : undefined;
  reputation?.start();
  const relay = new Relay(config.smtp.hostname, {
    relayUrl: config.delivery.relayUrl,
    destinationConcurrency: config.delivery.destinations.concurrency,
    connectionReuseLimit: config.delivery.connectionReuseLimit,
    transportMap: config.delivery.transportMap,
  });
  queue = new QueueManager({
    config,
    spool,
    scanners: createScanners(config),
    policy,
    telemetry,
    maildir: new MaildirStore(paths.mailDir, config.smtp.hostname),
    relay,
    recipients,
    trace,
    reputation,
    log,
  });
  const q = queue;
  metrics.watchDestinations(() => q.destinations());

  const recovered = q.start();
  if (recovered > 0) log(`recovered ${recovered} messages from the spool`);

  const pusher = config.site.push ? new RollupPusher(store, `${config.site.url}/api/ingest/mail-metrics`, ingestTokenValue, log) : undefined;
  if (pusher) {
    ingestTokenValue();
    telemetry.onWindowClosed(() => void pusher.push());
    // Rollups left over from an earlier run go out right away, not after the first window.
    if (store.outboxSize() > 0) void pusher.push();
  }
  telemetry.start();
  blocklistKeeper.start();
  const stopEventRetention = startEventRetention(store, config.policy.eventRetentionDays, log);
  const stopTraceRetention = startTraceRetention(trace, config.trace.retentionDays, log);

  const authThrottle = new AuthThrottle(config.policy.authThrottle);
  const ingress = new SmtpIngress({ config, passwordHash: (address) => store.passwordHash(address), spool, blocklist, autoBlock, authThrottle, submissionPassword, limits, trusted, recipients, telemetry, onAccepted: (m, messageId) => { trace.received(m, messageId); q.enqueue(m); }, scanInline: (input) => q.scanInline(input), log });
  const admin = new AdminServer({ config, adminToken, store, spool, queue: q, policy, blocklist: blocklistKeeper, recipients, metrics, trace, log });
  await ingress.listen();
  await admin.listen();
  const httpAddress = admin.server.address();
  const httpPort = typeof httpAddress === 'object' && httpAddress ? httpAddress.port : config.http.port;
  log(`listening: smtp ${config.smtp.host}:${ingress.port}, admin http://${config.http.host}:${httpPort} (scan policy ${policy.state.policy}, scanners ${config.scan.scanners.join(',')}, blocklist ${!config.policy.blocklist ? 'off' : config.policy.autoBlock.enabled ? 'with automatic blocks' : 'without automatic blocks'}, ${config.delivery.relayUrl ? 'relay via smarthost' : 'direct MX delivery for other domains'})`);

  let stopping: Promise<void> | undefined;
  return {
    smtpPort: ingress.port,
    httpPort,
    adminToken,
    stop() {
      stopping ??= (async () => {
        await ingress.close();
        await q.stop();
        reputation?.stop();
        telemetry.rotate();
        telemetry.stop();
        blocklistKeeper.stop();
        stopEventRetention();
        stopTraceRetention();
        pusher?.stop();
        relay.close();
        await admin.close();
        await spool.close();
        store.close();
        trace.close();
        log('stopped');
      })();
      return stopping;
    },
  };
}
