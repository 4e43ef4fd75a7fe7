// Syslog timestamps as Postfix logs end up on disk. Two forms are common:
//   traditional  "Nov 29 06:32:11 host …"  (BSD syslog: no year, no zone — local time of the writer)
//   RFC 3339     "2026-11-29T07:00:00.123456+09:00 host …"  (rsyslog/syslog-ng high-precision templates)
// A traditional stamp needs a year and a zone from outside; the year advances when the log
// crosses from December into January.
import { fromZonedTime } from 'date-fns-tz';

const MONTHS: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

const TRADITIONAL = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? /;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2}) /;

export interface SyslogClockOptions {
  /** Year of the first traditional (year-less) line; default: the current year (or the last one, when that would put the line in the future). */
  year?: number;
  /** IANA zone the traditional stamps were written in; default: this machine's local zone. */
  timeZone?: string;
  /** "Now", for inferring the year; tests pass a fixed value. */
  now?: () => number;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const millis = (fraction: string | undefined) => (fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0);

export class SyslogClock {
  private year: number | undefined;
  private lastMonth = 0;
  private readonly timeZone: string | undefined;
  private readonly now: () => number;
  private cachedMinute = '';
  private cachedMinuteStart = 0;

  constructor(options: SyslogClockOptions = {}) {
    this.year = options.year;
    this.timeZone = options.timeZone;
    this.now = options.now ?? Date.now;
  }

  /**
   * Reads the timestamp at the start of a syslog line.
   * Returns the epoch milliseconds and the rest of the line after the stamp, or null.
   */
  read(line: string): { time: number; rest: string } | null {
    let m = TRADITIONAL.exec(line);
    if (m) {
      const month = MONTHS[m[1]!];
      const day = Number(m[2]);
      if (!month || day < 1 || day > 31) return null;
      const [hh, mm, ss] = [Number(m[3]), Number(m[4]), Number(m[5])];
      if (hh > 23 || mm > 59 || ss > 60) return null;
      const year = this.yearFor(month, day);
      const time = this.toEpoch(year, month, day, hh, mm, ss, millis(m[6]));
      if (Number.isNaN(time)) return null;
      return { time, rest: line.slice(m[0].length) };
    }
    m = RFC3339.exec(line);
    if (m) {
      const zone = m[8] === 'Z' ? 'Z' : m[8]!.length === 5 ? `${m[8]!.slice(0, 3)}:${m[8]!.slice(3)}` : m[8]!;
      const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${pad(millis(m[7]), 3)}${zone}`;
      const time = Date.parse(iso);
      if (Number.isNaN(time)) return null;
      return { time, rest: line.slice(m[0].length) };
    }
    return null;
  }

  private yearFor(month: number, day: number): number {
    if (this.year === undefined) {
      const now = new Date(this.now());
      let year = now.getUTCFullYear();
      // A log read on 2 January that starts on 30 December belongs to last year: a stamp
      // more than a week in the future is taken as last year's.
      if (Date.UTC(year, month - 1, day) > now.getTime() + 7 * 86_400_000) year--;
      this.year = year;
    } else if (this.lastMonth === 12 && month === 1) {
      this.year++;
    }
    this.lastMonth = month;
    return this.year;
  }

  private toEpoch(year: number, month: number, day: number, hh: number, mm: number, ss: number, ms: number): number {
    if (this.timeZone) {
      // Zone offsets change on minute boundaries at the finest, and consecutive lines share their minute:
      // converting once per minute keeps a large log fast (the conversion goes through Intl).
      const minute = `${year}-${pad(month)}-${pad(day)}T${pad(hh)}:${pad(mm)}`;
      if (minute !== this.cachedMinute) {
        this.cachedMinute = minute;
        this.cachedMinuteStart = fromZonedTime(`${minute}:00.000`, this.timeZone).getTime();
      }
      return this.cachedMinuteStart + ss * 1000 + ms;
    }
    return new Date(year, month - 1, day, hh, mm, ss, ms).getTime();
  }
}
