import { describe, expect, it } from 'vitest';
import { alertSummary, payloadTime, webhookPayloadSchema } from './payload';

// A notification as Alertmanager 0.25 sends it (the fields of its documented version 4 format):
// a firing alert's endsAt is the zero time, timestamps carry nanoseconds and an offset.
const notification = {
  version: '4',
  groupKey: '{}:{alertname="DNSDown"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'tayori',
  groupLabels: { alertname: 'DNSDown' },
  commonLabels: { alertname: 'DNSDown', severity: 'critical' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.example:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'DNSDown', component: 'dns', instance: 'ns1.example:53', severity: 'critical' },
      annotations: { summary: 'ns1 does not answer', description: 'probe_success == 0 for 2m' },
      startsAt: '2026-12-06T09:52:26.739266876+09:00',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=probe_success+%3D%3D+0',
      fingerprint: '1a30ba71cca2921f',
    },
    {
      status: 'resolved',
      labels: { alertname: 'DNSDown', component: 'dns', instance: 'ns2.example:53', severity: 'critical' },
      annotations: { description: 'probe_success == 0 for 2m' },
      startsAt: '2026-12-06T00:40:00Z',
      endsAt: '2026-12-06T00:52:00.5Z',
      generatorURL: '',
      fingerprint: '5c3a2bd0e2f31a77',
    },
  ],
};

describe("Alertmanager's webhook payload", () => {
  it('reads a grouped notification, firing and resolved alerts alike', () => {
    const parsed = webhookPayloadSchema.parse(notification);
    expect(parsed.alerts).toHaveLength(2);
    const [firing, resolved] = parsed.alerts;
    expect(payloadTime(firing.startsAt)?.toISOString()).toBe('2026-12-06T00:52:26.739Z');
    // The zero time: no end.
    expect(payloadTime(firing.endsAt)).toBeNull();
    expect(payloadTime(resolved.endsAt)?.toISOString()).toBe('2026-12-06T00:52:00.500Z');
    expect(alertSummary(firing)).toBe('ns1 does not answer');
    expect(alertSummary(resolved)).toBe('probe_success == 0 for 2m');
  });

  it('takes fields Alertmanager may add later', () => {
    expect(webhookPayloadSchema.safeParse({ ...notification, orgId: 1, alerts: notification.alerts.map((a) => ({ ...a, silenceURL: 'x' })) }).success).toBe(true);
  });

  it('refuses another version, a missing fingerprint and a bad timestamp, naming the field', () => {
    const version = webhookPayloadSchema.safeParse({ ...notification, version: '3' });
    expect(version.success).toBe(false);
    expect(version.error!.issues[0].path).toEqual(['version']);
    const { fingerprint: _, ...noPrint } = notification.alerts[0];
    const missing = webhookPayloadSchema.safeParse({ ...notification, alerts: [noPrint] });
    expect(missing.error!.issues[0].path).toEqual(['alerts', 0, 'fingerprint']);
    const time = webhookPayloadSchema.safeParse({ ...notification, alerts: [{ ...notification.alerts[0], startsAt: 'yesterday' }] });
    expect(time.error!.issues[0].path).toEqual(['alerts', 0, 'startsAt']);
    expect(webhookPayloadSchema.safeParse({ ...notification, alerts: [{ ...notification.alerts[0], labels: { severity: 2 } }] }).success).toBe(false);
  });
});
