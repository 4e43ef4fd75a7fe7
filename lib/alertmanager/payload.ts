import { z } from 'zod';

// Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
// Alertmanager sends the zero time "0001-01-01T00:00:00Z" as endsAt of a firing alert whose end
// it does not expose: read as "no end".

const timestamp = z.iso.datetime({ offset: true });
const labelSet = z.record(z.string(), z.string());

export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(200),
});

export const webhookPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: labelSet.optional(),
  commonLabels: labelSet.optional(),
  commonAnnotations: labelSet.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertSchema),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
export type WebhookAlert = z.infer<typeof alertSchema>;

/** A timestamp of the payload as a Date; the zero time (and anything before 1970) as null. */
export function payloadTime(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date.getTime() <= 0 ? null : date;
}

/** What staff read about an alert: its summary, else its description (never shown to customers). */
export function alertSummary(alert: WebhookAlert): string {
  return (alert.annotations.summary ?? alert.annotations.description ?? '').slice(0, 1000);
}
