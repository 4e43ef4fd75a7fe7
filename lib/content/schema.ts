import { z } from 'zod';
import { ComponentStatus, IncidentImpact, IncidentStatus } from '../status/types';

// Front matter of a report in content/incidents/<slug>.md. Japanese is the primary file and
// carries every shared field; <slug>.en.md carries the English body.

const OFFSET_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function validCalendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const dateTime = z
  .string({ error: 'must be a date and time with offset, e.g. 2014-12-02T11:00:00+09:00' })
  .regex(OFFSET_DATETIME, 'must be a date and time with offset, e.g. 2014-12-02T11:00:00+09:00')
  .refine((v) => validCalendarDate(v) && !Number.isNaN(Date.parse(v)), 'is not a real date')
  .transform((v) => new Date(v));

/** A timeline moment: a full time, or only the day when the source gives no time. */
const moment = z
  .string({ error: 'must be a date (2014-12-05) or a date and time with offset' })
  .refine((v) => OFFSET_DATETIME.test(v) || DATE_ONLY.test(v), 'must be a date (2014-12-05) or a date and time with offset')
  .refine((v) => validCalendarDate(v) && !Number.isNaN(Date.parse(v)), 'is not a real date')
  .transform((v) => ({ value: v, precision: DATE_ONLY.test(v) ? ('day' as const) : ('minute' as const) }));

const text = z.string().trim().min(1, 'must not be empty');
const bilingual = z.object({ ja: text, en: text }, { error: 'must have "ja" and "en" texts' }).strict();

export function reportFrontMatterSchema(knownComponents: ReadonlySet<string>) {
  return z
    .object({
      slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters, digits and dashes'),
      title: bilingual,
      summary: bilingual,
      impact: IncidentImpact,
      status: IncidentStatus,
      started_at: dateTime,
      resolved_at: dateTime.nullable().optional(),
      /** The report's own last change (its 最終更新); by default the latest timeline or resolution time. */
      updated_at: dateTime.optional(),
      max_delay_minutes: z.number().int().min(0).nullable().optional(),
      components: z
        .array(
          z
            .object({
              slug: z.string().superRefine((slug, ctx) => {
                if (!knownComponents.has(slug)) ctx.addIssue({ code: 'custom', message: `unknown component "${slug}"` });
              }),
              status: ComponentStatus,
            })
            .strict(),
        )
        .min(1, 'must list at least one affected component'),
      windows: z
        .array(
          z
            .object({ start: dateTime, end: dateTime.nullable().optional(), max_delay_minutes: z.number().int().min(0).nullable().optional() })
            .strict(),
        )
        .default([]),
      timeline: z
        .array(z.object({ at: moment, status: IncidentStatus, text: bilingual }).strict())
        .min(1, 'must have at least one entry'),
    })
    .strict()
    .superRefine((fm, ctx) => {
      const resolved = fm.status === 'resolved' || fm.status === 'postmortem';
      if (resolved && !fm.resolved_at) {
        ctx.addIssue({ code: 'custom', path: ['resolved_at'], message: `is required when status is "${fm.status}"` });
      }
      if (fm.resolved_at && fm.resolved_at < fm.started_at) {
        ctx.addIssue({ code: 'custom', path: ['resolved_at'], message: 'is before started_at' });
      }
      if (fm.updated_at && fm.updated_at < fm.started_at) {
        ctx.addIssue({ code: 'custom', path: ['updated_at'], message: 'is before started_at' });
      }
      fm.windows.forEach((w, i) => {
        if (w.end && w.end < w.start) ctx.addIssue({ code: 'custom', path: ['windows', i, 'end'], message: 'is before start' });
      });
    });
}

export type ReportFrontMatter = z.output<ReturnType<typeof reportFrontMatterSchema>>;

export const translationFrontMatterSchema = z.object({ lang: z.literal('en') }).strict();
