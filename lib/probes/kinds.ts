// The probes' vocabularies, free of node: imports so that the console's client form can use them.

export const PROBE_KINDS = ['http', 'tcp', 'dns', 'smtp', 'imap', 'pop3'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT'] as const;
export const MAIL_TLS_MODES = ['none', 'starttls', 'implicit'] as const;
/** The statuses a failing probe may assert. */
export const FAILURE_STATUSES = ['major_outage', 'partial_outage', 'degraded_performance'] as const;
