import Link from 'next/link';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import type { UptimeComponent, UptimeDay } from '@/lib/metrics/uptime';
import { uptimeFigureNote, uptimeFigureText } from '@/lib/metrics/uptime-text';
import { LocalTime } from './local-time';

const TONE: Record<string, string> = {
  operational: 'ok',
  under_maintenance: 'maintenance',
  no_data: 'nodata',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

const notable = (day: UptimeDay) => day.incidents.length > 0 || (day.worst !== null && day.worst !== 'operational');

/** Consecutive quiet days with the same status become one bar segment: far less markup to send. */
function segments(days: UptimeDay[]): UptimeDay[][] {
  const out: UptimeDay[][] = [];
  for (const day of days) {
    const last = out.at(-1);
    if (last && !notable(day) && !notable(last[0]) && last[0].worst === day.worst) last.push(day);
    else out.push([day]);
  }
  return out;
}

/**
 * 90 days, one bar per day coloured by the worst status (with a pattern for outages, so colour is
 * not the only cue). Days with something to tell are focusable and show their incidents on hover,
 * focus or tap, without JavaScript.
 */
export function UptimeBars({ uptime, lang, name }: { uptime: UptimeComponent; lang: Lang; name: string }) {
  const t = messages(lang);
  const dateText = (date: string) => (lang === 'ja' ? date.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日') : date);
  const statusText = (day: UptimeDay) => (!day.worst ? t.uptimeUnknown : day.worst === 'no_data' ? t.noData : t.componentStatus[day.worst]);
  const figure = uptimeFigureText(lang, uptime);
  const tipId = `uptime-tip-${uptime.slug}`;
  return (
    <div className="uptime" data-uptime={uptime.slug}>
      <ol className="uptime-bars" aria-label={`${name}: ${t.uptimeLabel(uptime.days.length)}${lang === 'ja' ? '、' : ', '}${figure}`}>
        {segments(uptime.days).map((run) => {
          const day = run[0];
          const tone = `day tone-${day.worst ? TONE[day.worst] : 'unknown'}`;
          if (run.length > 1 || !notable(day)) {
            const range = run.length > 1 ? `${dateText(day.date)}〜${dateText(run.at(-1)!.date)}` : dateText(day.date);
            const label = `${range}: ${statusText(day)}`;
            return <li key={day.date} className={tone} style={{ flexGrow: run.length }} title={label} aria-label={label} />;
          }
          const label = `${dateText(day.date)}: ${statusText(day)}${day.minutesAffected ? `（${t.minutes(day.minutesAffected)}）` : ''}`;
          return (
            <li key={day.date} className={tone} data-date={day.date} tabIndex={0}>
              <div className="day-tip" role="tooltip">
                <strong>{label}</strong>
                {day.incidents.length > 0 && (
                  <ul>
                    {day.incidents.map((i) => (
                      <li key={i.slug}>
                        <Link href={localePath(lang, `/incidents/${i.slug}`)}>{pick(lang, i.titleJa, i.titleEn)}</Link>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      <p className="uptime-legend">
        <span>{t.daysAgo(uptime.days.length)}</span>
        {/* The figure says what it covers; hover, focus or tap tells how it is computed. */}
        <span className="uptime-figure" tabIndex={0} aria-describedby={tipId} data-coverage={uptime.coverage} data-covered-minutes={uptime.coveredMinutes}>
          {figure}
          <span className="day-tip" role="tooltip" id={tipId}>
            <strong>{figure}</strong>
            <span className="tip-line">{uptimeFigureNote(lang, uptime)}</span>
            {uptime.coveredFrom && uptime.coverage !== 'whole_period' && (
              <span className="tip-line">
                {t.uptimeRecordsSince}: <LocalTime iso={uptime.coveredFrom} lang={lang} />
              </span>
            )}
          </span>
        </span>
        <span>{t.today}</span>
      </p>
    </div>
  );
}
