import type { ProbeKind } from '@/lib/probes/kinds';

/** The kinds' names are protocol names, the same in both languages. */
export const KIND_NAMES: Record<ProbeKind, string> = { http: 'HTTP(S)', tcp: 'TCP', dns: 'DNS', smtp: 'SMTP', imap: 'IMAP', pop3: 'POP3' };
