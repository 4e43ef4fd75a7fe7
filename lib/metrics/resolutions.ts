import { fromZonedTime, toZonedTime } from 'date-fns-tz';
import { startOfDay } from 'date-fns';

export const RESOLUTIONS = ['1m', '1h', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Start of the bucket holding `date`. Days are the site's calendar days, since uptime bars are per day. */
export function bucketStart(date: Date, resolution: Resolution, timeZone: string): Date {
  const t = date.getTime();
  if (resolution === '1m') return new Date(t - (t % 60_000));
  if (resolution === '1h') return new Date(t - (t % 3_600_000));
  return fromZonedTime(startOfDay(toZonedTime(date, timeZone)), timeZone);
}
