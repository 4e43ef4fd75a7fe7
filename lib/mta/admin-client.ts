import 'server-only';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '../env';

// The console talks to the MTA over its admin API only, so an MTA on another host works the same.

export class MtaError extends Error {
  constructor(message: string, public readonly status: number) {
    super(message);
  }
}

function adminToken(): string | null {
  if (env.MTA_ADMIN_TOKEN) return env.MTA_ADMIN_TOKEN;
  try {
    return readFileSync(path.join(env.DATA_DIR, 'mta', 'admin-token'), 'utf8').trim();
  } catch {
    return null;
  }
}

async function call<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
  const token = adminToken();
  if (!token) throw new MtaError('the MTA admin token is not configured (MTA_ADMIN_TOKEN or data/mta/admin-token)', 503);
  let res: Response;
  try {
    res = await fetch(new URL(apiPath, env.MTA_ADMIN_URL), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5000),
      cache: 'no-store',
    });
  } catch {
    throw new MtaError(`the MTA admin API at ${env.MTA_ADMIN_URL} does not answer`, 503);
  }
  const data = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new MtaError(data.message ?? `MTA answered ${res.status}`, res.status);
  return data as T;
}

export interface QueuedMessageSummary {
  id: string;
  state: string;
  from: string;
  /** Recipients still pending. */
  to: string[];
  client_ip: string;
  size: number;
  age_s: number;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
}
export interface QueueSummary {
  depth: number;
  by_state: Record<string, number>;
  oldest_age_s: number;
  oldest_scan_wait_s: number;
  /** Oldest first. */
  messages: QueuedMessageSummary[];
}
export interface BlocklistEntry {
  id: number;
  kind: 'client' | 'sender_domain' | 'helo';
  value: string;
  reason: string | null;
  /** "auto" for the entries the MTA makes itself when a client floods it */
  created_by?: string;
  created_at?: string;
  /** null = until removed */
  expires_at?: string | null;
}
export interface BlocklistListing {
  /** false with MTA_BLOCKLIST=off: entries are kept but not applied */
  enabled?: boolean;
  auto_block?: { enabled: boolean; messages_per_minute: number; rejected_recipients_per_minute: number; minutes: number };
  entries: BlocklistEntry[];
}

export const AUTO_BLOCK_ACTOR = 'auto';
export interface ScanPolicyState {
  policy: 'enabled' | 'bypass' | 'auto';
  bypassing?: boolean;
  oldest_scan_wait_s?: number;
  events?: { at?: string; actor?: string; reason?: string | null; details?: unknown }[];
}

export const mta = {
  queue: () => call<QueueSummary>('GET', '/api/queue?limit=200'),
  blocklist: () => call<BlocklistListing>('GET', '/api/blocklist'),
  block: (kind: BlocklistEntry['kind'], value: string, reason: string, actor: string) => call('POST', '/api/blocklist', { kind, value, reason, actor }),
  unblock: (id: number, actor: string) => call('DELETE', `/api/blocklist/${id}?actor=${encodeURIComponent(actor)}`),
  scanPolicy: () => call<ScanPolicyState>('GET', '/api/scan-policy'),
  setScanPolicy: (policy: ScanPolicyState['policy'], reason: string, actor: string) => call<ScanPolicyState>('PUT', '/api/scan-policy', { policy, reason, actor }),
  flush: (actor: string) => call<{ flushed: number }>('POST', '/api/flush', { actor }),
  deleteMessage: (id: string, actor: string) => call<{ deleted: string }>('DELETE', `/api/queue/${encodeURIComponent(id)}?actor=${encodeURIComponent(actor)}`),
  bounceMessage: (id: string, reason: string, actor: string) => call<{ bounced: string }>('POST', `/api/queue/${encodeURIComponent(id)}/bounce`, { reason, actor }),
};
