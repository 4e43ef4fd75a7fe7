import { isIP } from 'node:net';
import { z } from 'zod';
import { isDnsName, parseHostPort } from './target';

// One schema for every probe staff define (console and tests): the target and the settings of its
// kind. A problem's message is a key of PROBE_PROBLEMS (lib/probes/problem-text.ts words it in both
// languages), so a malformed probe is refused with a clear reason and nothing is stored.

import { DNS_RECORD_TYPES, FAILURE_STATUSES, MAIL_TLS_MODES, PROBE_KINDS, type ProbeKind } from './kinds';

export { DNS_RECORD_TYPES, FAILURE_STATUSES, MAIL_TLS_MODES, PROBE_KINDS, type ProbeKind };

export const PROBE_PROBLEMS = [
  'kind',
  'targetNoHost',
  'targetBadHost',
  'targetBadPort',
  'targetNoPort',
  'targetNotUrl',
  'targetScheme',
  'targetNotDnsName',
  'expectStatus',
  'tooLong',
  'certMinDays',
  'resolver',
  'recordType',
  'tlsMode',
  'passwordWithoutUser',
  'interval',
  'timeout',
  'timeoutAboveInterval',
  'locations',
  'failureStatus',
  'degradedAboveMs',
  'confirmations',
  'component',
] as const;
export type ProbeProblem = (typeof PROBE_PROBLEMS)[number];

const text = (max: number) => z.string().trim().max(max, 'tooLong');

/** "200-399", "200,204", "200-299,301": each a status code or a range of them. */
export function parseStatusRanges(spec: string): Array<[number, number]> | null {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return null;
  const ranges: Array<[number, number]> = [];
  for (const part of parts) {
    const m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    if (!m) return null;
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (from < 100 || to > 599 || from > to) return null;
    ranges.push([from, to]);
  }
  return ranges;
}

const httpSettings = z.object({
  expectStatus: text(100).default('200-399').refine((s) => parseStatusRanges(s) !== null, 'expectStatus'),
  /** Text that must appear in the first megabyte of the body (or must not, with keywordAbsent). */
  keyword: text(500).default(''),
  keywordAbsent: z.boolean().default(false),
  /** https: fail when the certificate has fewer days left than this; 0 checks only that it is valid. */
  certMinDays: z.number('certMinDays').int('certMinDays').min(0, 'certMinDays').max(3650, 'certMinDays').default(0),
  /** false for a server with a self-signed or internal certificate: its days left are still checked. */
  tlsVerify: z.boolean().default(true),
});

const dnsSettings = z.object({
  recordType: z.enum(DNS_RECORD_TYPES, 'recordType').default('A'),
  /** One of the answers must equal this (case and a trailing dot ignored); empty: any answer passes. */
  expected: text(500).default(''),
  /** The server asked, as address[:port]; empty: the system's resolvers. */
  resolver: text(100)
    .default('')
    .refine((r) => {
      if (!r) return true;
      const parsed = parseHostPort(r);
      return !('problem' in parsed) && isIP(parsed.host) !== 0;
    }, 'resolver'),
});

const mailSettings = z
  .object({
    tls: z.enum(MAIL_TLS_MODES, 'tlsMode').default('none'),
    tlsVerify: z.boolean().default(true),
    /** With a user, the probe also logs in; the password is kept here and never shown back. */
    user: text(320).default(''),
    password: z.string().max(500, 'tooLong').default(''),
  })
  .refine((s) => s.user || !s.password, { message: 'passwordWithoutUser', path: ['user'] });

const tcpSettings = z.object({});

export type HttpSettings = z.infer<typeof httpSettings>;
export type DnsSettings = z.infer<typeof dnsSettings>;
export type MailSettings = z.infer<typeof mailSettings>;

/** Settings every kind has, read by the rule (lib/rules/signal-windows.ts). */
const commonSettings = z.object({
  /** Consecutive failed runs, at every location that reported, before the probe counts as failing. */
  confirmations: z.number('confirmations').int('confirmations').min(1, 'confirmations').max(10, 'confirmations').default(2),
});

function targetProblem(kind: ProbeKind, target: string): ProbeProblem | null {
  const value = target.trim();
  if (!value) return 'targetNoHost';
  if (kind === 'http') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return /^[a-z][a-z0-9+.-]*:/i.test(value) ? 'targetNotUrl' : 'targetNotUrl';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'targetScheme';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!host) return 'targetNoHost';
    if (isIP(host) === 0 && !isDnsName(host)) return 'targetBadHost';
    return null;
  }
  if (kind === 'dns') return isDnsName(value, { underscore: true }) ? null : 'targetNotDnsName';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'targetScheme';
  const parsed = parseHostPort(value);
  if ('problem' in parsed) return parsed.problem === 'noHost' ? 'targetNoHost' : parsed.problem === 'badHost' ? 'targetBadHost' : 'targetBadPort';
  if (kind === 'tcp' && parsed.port === null) return 'targetNoPort';
  return null;
}

const SETTINGS = { http: httpSettings, tcp: tcpSettings, dns: dnsSettings, smtp: mailSettings, imap: mailSettings, pop3: mailSettings } as const;

export const probeInput = z
  .object({
    componentId: z.string().min(1, 'component'),
    name: text(100).default(''),
    kind: z.enum(PROBE_KINDS, 'kind'),
    target: text(2000),
    settings: z.record(z.string(), z.unknown()).default({}),
    intervalS: z.number('interval').int('interval').min(10, 'interval').max(86_400, 'interval').default(60),
    timeoutS: z.number('timeout').int('timeout').min(1, 'timeout').max(120, 'timeout').default(10),
    /** Worker locations (PROBE_LOCATION) that run it; empty: every worker. */
    locations: z.array(z.string().trim().regex(/^[a-z0-9_-]{1,40}$/i, 'locations')).max(20, 'locations').default([]),
    failureStatus: z.enum(FAILURE_STATUSES, 'failureStatus').default('major_outage'),
    degradedAboveMs: z.number('degradedAboveMs').int('degradedAboveMs').min(1, 'degradedAboveMs').max(600_000, 'degradedAboveMs').nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    const problem = targetProblem(p.kind, p.target);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['target'] });
    if (p.timeoutS >= p.intervalS) ctx.addIssue({ code: 'custom', message: 'timeoutAboveInterval', path: ['timeoutS'] });
    const settings = SETTINGS[p.kind].and(commonSettings).safeParse(p.settings);
    if (!settings.success) for (const issue of settings.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['settings', ...issue.path.map(String)] });
  })
  .transform((p) => ({ ...p, settings: parseProbeSettings(p.kind, p.settings) }));

export type ProbeInput = z.input<typeof probeInput>;
export type ValidProbe = z.output<typeof probeInput>;

export type ProbeSettings = (HttpSettings | DnsSettings | MailSettings | Record<string, never>) & { confirmations: number };

/** A stored probe's settings with every default filled in (a stored row was valid when written). */
export function parseProbeSettings(kind: ProbeKind, settings: unknown): ProbeSettings {
  const parsed = SETTINGS[kind].and(commonSettings).safeParse(settings ?? {});
  return (parsed.success ? parsed.data : SETTINGS[kind].and(commonSettings).parse({})) as ProbeSettings;
}

export interface ProbeIssue {
  /** "target", "settings.keyword", "intervalS", … */
  field: string;
  problem: ProbeProblem;
}

/** Validates a probe; the problems are keys both languages word (probeProblemText). */
export function validateProbe(input: unknown): { ok: true; probe: ValidProbe } | { ok: false; issues: ProbeIssue[] } {
  const result = probeInput.safeParse(input);
  if (result.success) return { ok: true, probe: result.data };
  const issues = result.error.issues.map((i) => ({
    field: i.path.map(String).join('.'),
    problem: ((PROBE_PROBLEMS as readonly string[]).includes(i.message) ? i.message : i.path[0] === 'target' ? 'targetNoHost' : 'tooLong') as ProbeProblem,
  }));
  return { ok: false, issues };
}
