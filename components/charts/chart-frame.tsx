import type { ReactNode } from 'react';
import type { TimeTick } from './scales';

// The parts every chart shares: a visible title, a legend, the axis labels in HTML around the
// SVG (so they keep their CSS size on a phone, where the drawing is scaled down), and a
// "no data" text over an empty plot. The SVG is drawn in a 1000 × 1000 box stretched to the plot;
// strokes keep their width (vector-effect in app/globals.css).

export const PLOT = 1000;

export interface ChartFrameProps {
  id: string;
  kind: 'delay' | 'queue';
  title: string;
  /** Optional sentence under the title, e.g. which mail the chart measures. */
  description?: string;
  /** What the SVG shows, for screen readers (the drawing's accessible description). */
  summary: string;
  legend: ReactNode;
  yTitle: string;
  yTicks: { y: number; label: string }[];
  xTicks: TimeTick[];
  /** Shown over the plot when there is nothing to draw. */
  emptyText: string | null;
  /** The series, in PLOT units. */
  children: ReactNode;
  /** Below the plot: e.g. the data as a table. */
  footer?: ReactNode;
}

export function ChartFrame({ id, kind, title, description, summary, legend, yTitle, yTicks, xTicks, emptyText, children, footer }: ChartFrameProps) {
  return (
    <figure className={`chart chart-${kind}`} data-chart={id} data-empty={emptyText ? 'true' : undefined}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {description && <p className="chart-description">{description}</p>}
      <ul className="chart-legend">{legend}</ul>
      <div className="chart-body">
        <p className="chart-axis-title" aria-hidden="true">
          {yTitle}
        </p>
        <div className="chart-y" aria-hidden="true">
          {yTicks.map((tick) => (
            <span key={tick.label} style={{ top: pct(tick.y) }}>
              {tick.label}
            </span>
          ))}
        </div>
        <div className="chart-plot">
          <svg viewBox={`0 0 ${PLOT} ${PLOT}`} preserveAspectRatio="none" role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
            <desc id={`${id}-desc`}>{summary}</desc>
            {xTicks.map((tick) => (
              <line key={tick.at.toISOString()} className="grid-x" x1={tick.x * PLOT} x2={tick.x * PLOT} y1={0} y2={PLOT} />
            ))}
            {yTicks.map((tick) => (
              <g key={tick.label} className="grid">
                <line x1={0} x2={PLOT} y1={tick.y * PLOT} y2={tick.y * PLOT} />
              </g>
            ))}
            {children}
          </svg>
          {emptyText && <p className="chart-empty">{emptyText}</p>}
        </div>
        <div className="chart-x" aria-hidden="true">
          {xTicks.map((tick) => (
            <time key={tick.at.toISOString()} dateTime={tick.at.toISOString()} className={tick.minor ? 'tick-minor' : undefined} style={{ left: pct(tick.x) }}>
              {tick.label}
            </time>
          ))}
        </div>
      </div>
      {footer}
    </figure>
  );
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
