import { formatInTimeZone } from 'date-fns-tz';
import { env } from '@/lib/env';
import type { Lang } from '@/lib/i18n/locales';
import type { DelaySeries } from '@/lib/metrics/queries';

// Server-rendered SVG: readable without JavaScript, described for screen readers, with the data
// as a table. Delay uses a log scale (seconds to hours); lines differ by dash as well as colour.

const W = 720;
const H = 240;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };
const TICKS = [1, 10, 60, 600, 3600, 7200];
const SERIES = [
  { key: 'max', className: 'line-max', dash: '2 3' },
  { key: 'p95', className: 'line-p95', dash: '' },
  { key: 'p50', className: 'line-p50', dash: '8 4' },
] as const;

const LABELS = {
  ja: { max: '最大', p95: '95パーセンタイル', p50: '中央値', queue: '待機中のメール', time: '時刻', noData: 'この期間のデータはありません。', table: '数値で見る', delivered: '配送数' },
  en: { max: 'Maximum', p95: '95th percentile', p50: 'Median', queue: 'Messages waiting', time: 'Time', noData: 'No data for this period.', table: 'Show the numbers', delivered: 'Delivered' },
};

export function formatSeconds(s: number | null, lang: Lang): string {
  if (s === null) return '—';
  if (s < 60) return lang === 'ja' ? `${s.toFixed(s < 10 ? 1 : 0)}秒` : `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.round(s / 60);
  if (m < 60) return lang === 'ja' ? `${m}分` : `${m} min`;
  return lang === 'ja' ? `${Math.floor(m / 60)}時間${m % 60 ? `${m % 60}分` : ''}` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

function timeLabel(iso: string, series: DelaySeries): string {
  const pattern = series.stepSeconds >= 3600 ? 'M/d' : 'HH:mm';
  return formatInTimeZone(new Date(iso), env.SITE_TIME_ZONE, pattern);
}

export function DelayChart({ series, lang, title, id }: { series: DelaySeries; lang: Lang; title: string; id: string }) {
  const t = LABELS[lang];
  const n = series.points.length;
  const hasData = series.points.some((p) => p.max !== null);
  const maxValue = Math.max(60, ...series.points.map((p) => p.max ?? 0));
  const top = TICKS.find((tick) => tick >= maxValue) ?? maxValue;
  const x = (i: number) => PAD.left + ((W - PAD.left - PAD.right) * i) / Math.max(1, n - 1);
  const y = (v: number) => {
    const min = Math.log10(0.5);
    const ratio = (Math.log10(Math.max(v, 0.5)) - min) / (Math.log10(top) - min);
    return H - PAD.bottom - ratio * (H - PAD.top - PAD.bottom);
  };
  const path = (key: 'p50' | 'p95' | 'max') => {
    let d = '';
    let pen = false;
    series.points.forEach((p, i) => {
      const v = p[key];
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const peak = series.points.reduce((m, p) => Math.max(m, p.max ?? 0), 0);
  const desc =
    lang === 'ja'
      ? `${timeLabel(series.from, series)}から${timeLabel(series.to, series)}までのメール配送遅延。期間中の最大遅延は${formatSeconds(hasData ? peak : null, lang)}。`
      : `Mail delivery delay from ${timeLabel(series.from, series)} to ${timeLabel(series.to, series)}. Largest delay in the period: ${formatSeconds(hasData ? peak : null, lang)}.`;
  const labelEvery = Math.ceil(n / 6);

  return (
    <figure className="chart" data-chart={id}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {TICKS.filter((tick) => tick <= top).map((tick) => (
          <g key={tick} className="grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end">
              {formatSeconds(tick, lang)}
            </text>
          </g>
        ))}
        {series.points.map((p, i) =>
          i % labelEvery === 0 ? (
            <text key={p.t} className="axis" x={x(i)} y={H - 8} textAnchor="middle">
              {timeLabel(p.t, series)}
            </text>
          ) : null,
        )}
        {hasData && SERIES.map((s) => <path key={s.key} className={s.className} d={path(s.key)} strokeDasharray={s.dash || undefined} fill="none" />)}
        {!hasData && (
          <text x={W / 2} y={H / 2} textAnchor="middle" className="axis">
            {t.noData}
          </text>
        )}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {SERIES.map((s) => (
            <li key={s.key}>
              <svg width="28" height="8" aria-hidden="true">
                <line x1="0" x2="28" y1="4" y2="4" className={s.className} strokeDasharray={s.dash || undefined} />
              </svg>
              {t[s.key]}
            </li>
          ))}
        </ul>
        <details>
          <summary>{t.table}</summary>
          <div className="table-scroll">
            <table>
              <caption>{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.time}</th>
                  <th scope="col">{t.p50}</th>
                  <th scope="col">{t.p95}</th>
                  <th scope="col">{t.max}</th>
                  <th scope="col">{t.queue}</th>
                  <th scope="col">{t.delivered}</th>
                </tr>
              </thead>
              <tbody>
                {series.points
                  .filter((p) => p.max !== null || p.queueDepth > 0)
                  .map((p) => (
                    <tr key={p.t}>
                      <th scope="row">
                        <time dateTime={p.t}>{formatInTimeZone(new Date(p.t), env.SITE_TIME_ZONE, 'M/d HH:mm')}</time>
                      </th>
                      <td>{formatSeconds(p.p50, lang)}</td>
                      <td>{formatSeconds(p.p95, lang)}</td>
                      <td>{formatSeconds(p.max, lang)}</td>
                      <td>{p.queueDepth}</td>
                      <td>{p.delivered}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </details>
      </figcaption>
    </figure>
  );
}

/** Queue depth as bars, linear scale. */
export function QueueChart({ series, lang, title, id }: { series: DelaySeries; lang: Lang; title: string; id: string }) {
  const h = 90;
  const n = series.points.length;
  const top = Math.max(10, ...series.points.map((p) => p.queueDepth));
  const bw = (W - PAD.left - PAD.right) / Math.max(1, n);
  const peak = Math.max(0, ...series.points.map((p) => p.queueDepth));
  return (
    <figure className="chart" data-chart={id}>
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{lang === 'ja' ? `期間中の最大: ${peak}通` : `Largest in the period: ${peak} messages`}</desc>
        <text x={PAD.left - 6} y={16} textAnchor="end" className="axis">
          {top}
        </text>
        <line x1={PAD.left} x2={W - PAD.right} y1={h - 8} y2={h - 8} className="grid-line" />
        {series.points.map((p, i) =>
          p.queueDepth > 0 ? (
            <rect key={p.t} className="bar-queue" x={PAD.left + i * bw} width={Math.max(1, bw - 1)} y={h - 8 - ((h - 20) * p.queueDepth) / top} height={((h - 20) * p.queueDepth) / top} />
          ) : null,
        )}
      </svg>
    </figure>
  );
}
