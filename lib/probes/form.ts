import type { ProbeKind } from './schema';

// A probe form's fields (app/admin/probes) as the schema's input: settings gathered per kind,
// numbers parsed (an empty field takes the default; text that is not a number fails validation).

const SETTINGS_FIELDS: Record<ProbeKind, { text: string[]; numbers: string[]; checkboxes: string[] }> = {
  http: { text: ['expectStatus', 'keyword'], numbers: ['certMinDays'], checkboxes: ['keywordAbsent', 'tlsVerify'] },
  tcp: { text: [], numbers: [], checkboxes: [] },
  dns: { text: ['recordType', 'expected', 'resolver'], numbers: [], checkboxes: [] },
  smtp: { text: ['tls', 'user', 'password'], numbers: [], checkboxes: ['tlsVerify'] },
  imap: { text: ['tls', 'user', 'password'], numbers: [], checkboxes: ['tlsVerify'] },
  pop3: { text: ['tls', 'user', 'password'], numbers: [], checkboxes: ['tlsVerify'] },
};

const number = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : Number(value.trim()));

export function probeFormInput(values: Record<string, string>): Record<string, unknown> {
  const kind = values.kind as ProbeKind;
  const fields = SETTINGS_FIELDS[kind] ?? { text: [], numbers: [], checkboxes: [] };
  const settings: Record<string, unknown> = {};
  for (const f of fields.text) if (values[f] !== undefined && (f === 'password' || values[f].trim() !== '')) settings[f] = values[f];
  for (const f of fields.numbers) if (number(values[f]) !== undefined) settings[f] = number(values[f]);
  for (const f of fields.checkboxes) settings[f] = values[f] === 'on';
  const confirmations = number(values.confirmations);
  if (confirmations !== undefined) settings.confirmations = confirmations;
  const degraded = number(values.degradedAboveMs);
  return {
    componentId: values.componentId ?? '',
    name: values.name ?? '',
    kind: values.kind,
    target: values.target ?? '',
    settings,
    intervalS: number(values.intervalS),
    timeoutS: number(values.timeoutS),
    locations: (values.locations ?? '').split(',').map((l) => l.trim()).filter(Boolean),
    failureStatus: values.failureStatus || undefined,
    degradedAboveMs: degraded === undefined ? null : degraded,
    enabled: values.enabled === 'on',
  };
}
