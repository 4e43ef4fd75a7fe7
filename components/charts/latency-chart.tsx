import { formatInTimeZone } from 'date-fns-tz';
import { env } from '@/lib/env';
import type { Lang } from '@/lib/i18n/locales';
import type { LatencyPoint, LatencySeries } from '@/lib/probes/queries';
import { ChartFrame, PLOT } from './chart-frame';
import { countAxis, timeTicks } from './scales';

// The built-in probes' latency for a component page, drawn like the mail delay chart (same frame,
// line styles and table of the numbers), on a linear millisecond scale: mean and largest latency
// of the runs that passed in each step. Failed runs are counted in the summary and the table.

const SERIES = [
  { key: 'max', className: 'line-max', dash: '2 3' },
  { key: 'mean', className: 'line-p50', dash: '' },
] as const;

const LABELS = {
  ja: { max: '最大', mean: '平均', axis: '応答時間（ミリ秒）', time: '時刻', runs: '確認回数', failed: '失敗', noData: 'この期間のデータはありません。', table: '数値で見る' },
  en: { max: 'Maximum', mean: 'Mean', axis: 'Response time (ms)', time: 'Time', runs: 'Checks', failed: 'Failed', noData: 'No data for this period.', table: 'Show the numbers' },
};

export function formatMs(ms: number | null, lang: Lang): string {
  if (ms === null) return '—';
  const figure = ms < 10 ? ms.toFixed(1) : Math.round(ms).toLocaleString(lang);
  return lang === 'ja' ? `${figure}ミリ秒` : `${figure} ms`;
}

const localTime = (iso: string) => formatInTimeZone(new Date(iso), env.SITE_TIME_ZONE, 'M/d HH:mm');

function trace(series: LatencySeries, key: 'mean' | 'max', y: (v: number) => number) {
  const from = Date.parse(series.from);
  const span = Date.parse(series.to) - from;
  let line = '';
  let dots = '';
  let run: string[] = [];
  const flush = () => {
    if (run.length) line += `M${run.join('L')}`;
    if (run.length === 1) dots += `M${run[0]}h0`;
    run = [];
  };
  for (const p of series.points) {
    const v = p[key];
    if (v === null) {
      flush();
      continue;
    }
    const x = (Date.parse(p.t) - from + (series.stepSeconds * 1000) / 2) / span;
    run.push(`${(x * PLOT).toFixed(1)} ${(y(v) * PLOT).toFixed(1)}`);
  }
  flush();
  return { line, dots };
}

export function LatencyChart({ series, lang, title, id }: { series: LatencySeries; lang: Lang; title: string; id: string }) {
  const t = LABELS[lang];
  const hasData = series.points.some((p) => p.runs > 0);
  const peak = series.points.reduce((m, p) => Math.max(m, p.max ?? 0), 0);
  const failed = series.points.reduce((n, p) => n + p.failed, 0);
  const runs = series.points.reduce((n, p) => n + p.runs, 0);
  const axis = countAxis(peak, 10);
  const summary =
    lang === 'ja'
      ? `${title}。${localTime(series.from)}から${localTime(series.to)}まで。最大${formatMs(hasData ? peak : null, lang)}、確認${runs}回のうち失敗${failed}回。`
      : `${title}, from ${localTime(series.from)} to ${localTime(series.to)}. Largest: ${formatMs(hasData ? peak : null, lang)}; ${failed} of ${runs} checks failed.`;
  return (
    <ChartFrame
      id={id}
      kind="delay"
      title={title}
      summary={summary}
      yTitle={t.axis}
      yTicks={axis.ticks.map((tick) => ({ y: axis.y(tick), label: tick.toLocaleString(lang) }))}
      xTicks={timeTicks(new Date(series.from), new Date(series.to), env.SITE_TIME_ZONE)}
      emptyText={hasData ? null : t.noData}
      legend={SERIES.map((s) => (
        <li key={s.key}>
          <svg width="28" height="8" aria-hidden="true">
            <line x1="0" x2="28" y1="4" y2="4" className={s.className} strokeDasharray={s.dash || undefined} />
          </svg>
          {t[s.key]}
        </li>
      ))}
      footer={hasData && <DataTable points={series.points} lang={lang} title={title} />}
    >
      {hasData &&
        SERIES.map((s) => {
          const { line, dots } = trace(series, s.key, axis.y);
          return (
            <g key={s.key}>
              <path className={s.className} d={line} strokeDasharray={s.dash || undefined} fill="none" />
              {dots && <path className={`line-dots dots-${s.key === 'mean' ? 'p50' : 'max'}`} d={dots} />}
            </g>
          );
        })}
    </ChartFrame>
  );
}

function DataTable({ points, lang, title }: { points: LatencyPoint[]; lang: Lang; title: string }) {
  const t = LABELS[lang];
  return (
    <details>
      <summary>{t.table}</summary>
      <div className="table-scroll">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.time}</th>
              <th scope="col">{t.mean}</th>
              <th scope="col">{t.max}</th>
              <th scope="col">{t.runs}</th>
              <th scope="col">{t.failed}</th>
            </tr>
          </thead>
          <tbody>
            {points
              .filter((p) => p.runs > 0)
              .map((p) => (
                <tr key={p.t}>
                  <th scope="row">
                    <time dateTime={p.t}>{localTime(p.t)}</time>
                  </th>
                  <td>{formatMs(p.mean, lang)}</td>
                  <td>{formatMs(p.max, lang)}</td>
                  <td>{p.runs}</td>
                  <td>{p.failed}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
