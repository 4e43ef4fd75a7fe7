import { SIGNALS_METRIC, type ComponentStatus, type IncidentImpact } from '../status/types';

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

// The words of automatic incidents opened by a component's alerts or probes (the `signals` rule):
// what customers notice (the service is slow, partly down, down), never the alert's name,
// labels or summary, which are for staff.

type FaultStatus = 'degraded_performance' | 'partial_outage' | 'major_outage';
const FAULT_WORDS: Record<FaultStatus, { ja: (n: string) => string; en: (n: string) => string }> = {
  degraded_performance: { ja: (n) => `${n}の動作が不安定になっております`, en: (n) => `${n} is experiencing degraded performance` },
  partial_outage: { ja: (n) => `${n}の一部で障害が発生しております`, en: (n) => `${n} is experiencing a partial outage` },
  major_outage: { ja: (n) => `${n}で障害が発生しております`, en: (n) => `${n} is experiencing an outage` },
};
const faultWords = (level: ComponentStatus) => FAULT_WORDS[(level in FAULT_WORDS ? level : 'major_outage') as FaultStatus];

export function signalTitleFor(c: ComponentNames) {
  return { ja: `${c.nameJa}の障害`, en: `${c.nameEn} disruption` };
}

export function signalOpenedText(c: ComponentNames, level: ComponentStatus) {
  const w = faultWords(level);
  return { ja: `${w.ja(c.nameJa)}。原因を調査しております。`, en: `${w.en(c.nameEn)}. We are investigating.` };
}

export function signalGrewText(c: ComponentNames, level: ComponentStatus) {
  const w = faultWords(level);
  return { ja: `${c.nameJa}の障害が拡大しております。現在、${w.ja(c.nameJa)}。`, en: `The disruption of ${c.nameEn} has grown: ${w.en(c.nameEn)}.` };
}

export function signalShrankText(c: ComponentNames, level: ComponentStatus) {
  const w = faultWords(level);
  return { ja: `${c.nameJa}の障害は縮小しつつあります。現在、${w.ja(c.nameJa)}。`, en: `The disruption of ${c.nameEn} is easing: ${w.en(c.nameEn)}.` };
}

export function signalRecurredText(c: ComponentNames, level: ComponentStatus) {
  const w = faultWords(level);
  return { ja: `再び${w.ja(c.nameJa)}。原因を調査しております。`, en: `Again, ${w.en(c.nameEn)}. We are investigating.` };
}

export function signalRecoveredText(c: ComponentNames) {
  return { ja: `${c.nameJa}は復旧しております。引き続き状況を監視しております。`, en: `${c.nameEn} has recovered. We are monitoring the situation.` };
}

export function signalResolvedText(c: ComponentNames) {
  return {
    ja: `${c.nameJa}は正常に動作しており、本障害は復旧いたしました。ご迷惑をおかけしましたことをお詫び申し上げます。`,
    en: `${c.nameEn} is working normally again and this incident is resolved. We apologise for the inconvenience.`,
  };
}

interface Text {
  ja: string;
  en: string;
}

/** One automatic incident's words, chosen by the metric of the rule that opened it. */
export interface AutoIncidentTexts {
  /** Whether the figures are mail delay (seconds): the incident records its windows' delay. */
  measuresDelay: boolean;
  /** The incident slug's last word. */
  slugWord: string;
  title(c: ComponentNames): Text;
  opened(c: ComponentNames, level: ComponentStatus, delayS: number): Text;
  grew(c: ComponentNames, level: ComponentStatus, delayS: number): Text;
  shrank(c: ComponentNames, level: ComponentStatus, delayS: number): Text;
  recurred(c: ComponentNames, level: ComponentStatus, delayS: number): Text;
  recovered(c: ComponentNames): Text;
  resolved(c: ComponentNames, maxDelayS: number, affected: number): Text;
}

const MAIL_TEXTS: AutoIncidentTexts = {
  measuresDelay: true,
  slugWord: 'delay',
  title: titleFor,
  opened: (c, _l, d) => openedText(c, d),
  grew: (c, _l, d) => grewText(c, d),
  shrank: (c, _l, d) => shrankText(c, d),
  recurred: (c, _l, d) => recurredText(c, d),
  recovered: recoveredText,
  resolved: resolvedText,
};

const SIGNAL_TEXTS: AutoIncidentTexts = {
  measuresDelay: false,
  slugWord: 'outage',
  title: signalTitleFor,
  opened: (c, l) => signalOpenedText(c, l),
  grew: (c, l) => signalGrewText(c, l),
  shrank: (c, l) => signalShrankText(c, l),
  recurred: (c, l) => signalRecurredText(c, l),
  recovered: signalRecoveredText,
  resolved: (c) => signalResolvedText(c),
};

/** The words for a rule's metric: alerts and probes (`signals`) have their own; mail keeps the delay's. */
export function autoIncidentTexts(metric: string | null | undefined): AutoIncidentTexts {
  return metric === SIGNALS_METRIC ? SIGNAL_TEXTS : MAIL_TEXTS;
}
