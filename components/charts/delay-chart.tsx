import { formatInTimeZone } from 'date-fns-tz';
import { env } from '@/lib/env';
import type { Lang } from '@/lib/i18n/locales';
import type { DelayPoint, DelaySeries } from '@/lib/metrics/queries';
import { ChartFrame, PLOT } from './chart-frame';
import { countAxis, delayAxis, formatDelayTick, formatStep, timeTicks } from './scales';

// Server-rendered charts: readable without JavaScript, described for screen readers, with the
// data as a table. Delay uses a log scale that covers the data (sub-second to hours); lines differ
// by dash as well as colour. Title and description come from the page, so one chart serves
// inbound and outbound mail alike.

const SERIES = [
  { key: 'max', className: 'line-max', dash: '2 3' },
  { key: 'p95', className: 'line-p95', dash: '' },
  { key: 'p50', className: 'line-p50', dash: '8 4' },
  // The end-to-end canary, drawn only when the series has it (CANARY_ENABLED).
  { key: 'canary', className: 'line-canary', dash: '1 4' },
] as const;

const LABELS = {
  ja: {
    max: '最大',
    p95: '95パーセンタイル',
    p50: '中央値',
    canary: '外部から送った試験メール',
    delayAxis: '遅延',
    countAxis: '通数',
    queue: '待機中のメール',
    // Neutral about the flow: the chart's title says whether this is mail received or sent.
    queueLegend: (step: string) => `待機中のメール数（${step}ごとの最大）`,
    time: '時刻',
    noData: 'この期間のデータはありません。',
    table: '数値で見る',
    delivered: '配送数',
  },
  en: {
    max: 'Maximum',
    p95: '95th percentile',
    p50: 'Median',
    canary: 'Test message sent from outside',
    delayAxis: 'Delay',
    countAxis: 'Messages',
    queue: 'Messages waiting',
    queueLegend: (step: string) => `Messages waiting (largest in each ${step})`,
    time: 'Time',
    noData: 'No data for this period.',
    table: 'Show the numbers',
    delivered: 'Delivered',
  },
};

export interface ChartProps {
  series: DelaySeries;
  lang: Lang;
  /** Visible title, e.g. 「メール受信の遅延（24時間）」. */
  title: string;
  /** Optional sentence under the title (what is measured), also read with the drawing. */
  description?: string;
  /** Unique on the page; also the figure's data-chart attribute. */
  id: string;
}

export function formatSeconds(s: number | null, lang: Lang): string {
  if (s === null) return '—';
  if (s < 0.01) return lang === 'ja' ? '0.01秒未満' : '< 0.01 s';
  if (s < 60) {
    const figure = s.toFixed(s < 0.1 ? 2 : s < 10 ? 1 : 0);
    return lang === 'ja' ? `${figure}秒` : `${figure} s`;
  }
  const m = Math.round(s / 60);
  if (m < 60) return lang === 'ja' ? `${m}分` : `${m} min`;
  return lang === 'ja' ? `${Math.floor(m / 60)}時間${m % 60 ? `${m % 60}分` : ''}` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

const localTime = (iso: string) => formatInTimeZone(new Date(iso), env.SITE_TIME_ZONE, 'M/d HH:mm');

/** Horizontal position (0–1) of a point's interval, from its start to its end. */
function slot(series: DelaySeries, p: DelayPoint) {
  const from = Date.parse(series.from);
  const span = Date.parse(series.to) - from;
  const start = (Date.parse(p.t) - from) / span;
  return { start, width: (series.stepSeconds * 1000) / span };
}

/**
 * The series as runs of consecutive measured points. A lone point (a quiet night: one mail in ten
 * minutes) has no line to be drawn on, so it is also drawn as a dot.
 */
function tracePath(series: DelaySeries, key: (typeof SERIES)[number]['key'], y: (v: number) => number) {
  let line = '';
  let dots = '';
  let run: string[] = [];
  const flush = () => {
    if (run.length) line += `M${run.join('L')}`;
    if (run.length === 1) dots += `M${run[0]}h0`;
    run = [];
  };
  for (const p of series.points) {
    const v = p[key] ?? null;
    if (v === null) {
      flush();
      continue;
    }
    const { start, width } = slot(series, p);
    run.push(`${((start + width / 2) * PLOT).toFixed(1)} ${(y(v) * PLOT).toFixed(1)}`);
  }
  flush();
  return { line, dots };
}

export function DelayChart({ series, lang, title, description, id }: ChartProps) {
  const t = LABELS[lang];
  const hasData = series.points.some((p) => p.max !== null || hasCanary(p));
  const shown = SERIES.filter((s) => s.key !== 'canary' || series.points.some(hasCanary));
  const axis = delayAxis(series.points.flatMap((p) => [p.p50, p.p95, p.max, p.canary ?? null]).filter((v): v is number => v !== null));
  const peak = series.points.reduce((m, p) => Math.max(m, p.max ?? 0), 0);
  const summary =
    lang === 'ja'
      ? `${description ?? title}。${localTime(series.from)}から${localTime(series.to)}まで。期間中の最大遅延は${formatSeconds(hasData ? peak : null, lang)}。`
      : `${description ?? title}, from ${localTime(series.from)} to ${localTime(series.to)}. Largest delay in the period: ${formatSeconds(hasData ? peak : null, lang)}.`;

  return (
    <ChartFrame
      id={id}
      kind="delay"
      title={title}
      description={description}
      summary={summary}
      yTitle={t.delayAxis}
      yTicks={axis.ticks.map((tick) => ({ y: axis.y(tick), label: formatDelayTick(tick, lang) }))}
      xTicks={timeTicks(new Date(series.from), new Date(series.to), env.SITE_TIME_ZONE)}
      emptyText={hasData ? null : t.noData}
      legend={shown.map((s) => (
        <li key={s.key}>
          <svg width="28" height="8" aria-hidden="true">
            <line x1="0" x2="28" y1="4" y2="4" className={s.className} strokeDasharray={s.dash || undefined} />
          </svg>
          {t[s.key]}
        </li>
      ))}
      footer={hasData && <DataTable series={series} lang={lang} title={title} />}
    >
      {hasData &&
        shown.map((s) => {
          const { line, dots } = tracePath(series, s.key, axis.y);
          return (
            <g key={s.key}>
              <path className={s.className} d={line} strokeDasharray={s.dash || undefined} fill="none" />
              {dots && <path className={`line-dots dots-${s.key}`} d={dots} />}
            </g>
          );
        })}
    </ChartFrame>
  );
}

const hasCanary = (p: DelayPoint) => p.canary !== undefined && p.canary !== null;

function DataTable({ series, lang, title }: { series: DelaySeries; lang: Lang; title: string }) {
  const t = LABELS[lang];
  const canary = series.points.some(hasCanary);
  return (
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
              {canary && <th scope="col">{t.canary}</th>}
              <th scope="col">{t.queue}</th>
              <th scope="col">{t.delivered}</th>
            </tr>
          </thead>
          <tbody>
            {series.points
              .filter((p) => p.max !== null || p.queueDepth > 0 || hasCanary(p))
              .map((p) => (
                <tr key={p.t}>
                  <th scope="row">
                    <time dateTime={p.t}>{localTime(p.t)}</time>
                  </th>
                  <td>{formatSeconds(p.p50, lang)}</td>
                  <td>{formatSeconds(p.p95, lang)}</td>
                  <td>{formatSeconds(p.max, lang)}</td>
                  {canary && <td>{formatSeconds(p.canary ?? null, lang)}</td>}
                  <td>{p.queueDepth}</td>
                  <td>{p.delivered}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/**
 * The queue's bars as one path: separate shapes side by side would show hairline seams where
 * their anti-aliased edges meet. Bars stand apart only when there are few of them.
 */
function bars(series: DelaySeries, y: (v: number) => number): string {
  const base = (y(0) * PLOT).toFixed(1);
  let d = '';
  for (const p of series.points) {
    if (p.queueDepth <= 0) continue;
    const { start, width } = slot(series, p);
    const gap = series.points.length <= 60 ? width * 0.15 : 0;
    const left = ((start + gap / 2) * PLOT).toFixed(1);
    const right = ((start + width - gap / 2) * PLOT).toFixed(1);
    d += `M${left} ${base}V${(y(p.queueDepth) * PLOT).toFixed(1)}H${right}V${base}Z`;
  }
  return d;
}

/** Messages waiting, as bars on a linear scale: the largest queue seen in each step. */
export function QueueChart({ series, lang, title, description, id }: ChartProps) {
  const t = LABELS[lang];
  const hasData = series.points.some((p) => p.max !== null || p.queueDepth > 0 || p.delivered > 0);
  const peak = Math.max(0, ...series.points.map((p) => p.queueDepth));
  const axis = countAxis(peak);
  const summary =
    lang === 'ja'
      ? `${description ?? title}。${localTime(series.from)}から${localTime(series.to)}まで。期間中の最大: ${peak}通。`
      : `${description ?? title}, from ${localTime(series.from)} to ${localTime(series.to)}. Largest in the period: ${peak} messages.`;

  return (
    <ChartFrame
      id={id}
      kind="queue"
      title={title}
      description={description}
      summary={summary}
      yTitle={t.countAxis}
      yTicks={axis.ticks.map((tick) => ({ y: axis.y(tick), label: tick.toLocaleString(lang) }))}
      xTicks={timeTicks(new Date(series.from), new Date(series.to), env.SITE_TIME_ZONE)}
      emptyText={hasData ? null : t.noData}
      legend={
        <li>
          <svg width="14" height="12" aria-hidden="true">
            <rect x="0" y="0" width="14" height="12" className="bar-queue" />
          </svg>
          {t.queueLegend(formatStep(series.stepSeconds, lang))}
        </li>
      }
    >
      <path className="bar-queue" d={bars(series, axis.y)} />
    </ChartFrame>
  );
}
