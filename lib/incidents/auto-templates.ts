import type { ComponentStatus, IncidentImpact } from '../status/types';

// The words of automatic incidents, in both languages, filled with the measured figures.

export interface ComponentNames {
  nameJa: string;
  nameEn: string;
}

export const IMPACT_FOR_STATUS: Partial<Record<ComponentStatus, IncidentImpact>> = {
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

/** Delay in whole minutes, as people say it: "約N分" / "about N minutes". */
export function delayMinutes(seconds: number): number {
  return Math.max(1, Math.round(seconds / 60));
}

const jaMinutes = (s: number) => {
  const m = delayMinutes(s);
  return m >= 60 ? `約${Math.floor(m / 60)}時間${m % 60 ? `${m % 60}分` : ''}` : `約${m}分`;
};
const enMinutes = (s: number) => {
  const m = delayMinutes(s);
  return m >= 60 ? `about ${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}` : `about ${m} minute${m === 1 ? '' : 's'}`;
};

export function titleFor(c: ComponentNames) {
  return { ja: `${c.nameJa}の遅延`, en: `Delays in ${c.nameEn.toLowerCase().startsWith('mail') ? c.nameEn.toLowerCase() : c.nameEn}` };
}

export function openedText(c: ComponentNames, delayS: number) {
  return {
    ja: `${c.nameJa}に遅延が発生しております。現在、最大で${jaMinutes(delayS)}の遅延が発生しています。原因を調査しております。メールが失われることはありません。`,
    en: `${c.nameEn} is delayed. Messages are currently delayed by up to ${enMinutes(delayS)}. We are investigating. No mail is lost.`,
  };
}

export function grewText(c: ComponentNames, delayS: number) {
  return {
    ja: `${c.nameJa}の遅延が拡大しております。現在、最大で${jaMinutes(delayS)}の遅延が発生しています。`,
    en: `The delay in ${c.nameEn.toLowerCase()} has grown. Messages are currently delayed by up to ${enMinutes(delayS)}.`,
  };
}

export function shrankText(c: ComponentNames, delayS: number) {
  return {
    ja: `${c.nameJa}の遅延は縮小しつつあります。現在、最大で${jaMinutes(delayS)}の遅延が発生しています。`,
    en: `The delay in ${c.nameEn.toLowerCase()} is shrinking. Messages are currently delayed by up to ${enMinutes(delayS)}.`,
  };
}

export function recoveredText(c: ComponentNames) {
  return {
    ja: `${c.nameJa}の遅延は解消しております。引き続き状況を監視しております。`,
    en: `The delay in ${c.nameEn.toLowerCase()} has cleared. We are monitoring the situation.`,
  };
}

export function recurredText(c: ComponentNames, delayS: number) {
  return {
    ja: `${c.nameJa}に再び遅延が発生しております。現在、最大で${jaMinutes(delayS)}の遅延が発生しています。`,
    en: `${c.nameEn} is delayed again. Messages are currently delayed by up to ${enMinutes(delayS)}.`,
  };
}

export function resolvedText(c: ComponentNames, maxDelayS: number, affected: number) {
  return {
    ja: `${c.nameJa}の遅延は解消し、本障害は復旧いたしました。最大遅延は${jaMinutes(maxDelayS)}、遅延したメールは${affected.toLocaleString('ja-JP')}通でした。メールの損失はありません。ご迷惑をおかけしましたことをお詫び申し上げます。`,
    en: `The delay in ${c.nameEn.toLowerCase()} is over and this incident is resolved. The largest delay was ${enMinutes(maxDelayS)}; ${affected.toLocaleString('en-US')} message${affected === 1 ? ' was' : 's were'} delayed. No mail was lost. We apologise for the inconvenience.`,
  };
}
