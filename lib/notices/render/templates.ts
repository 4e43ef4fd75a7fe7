import { renderMarkdown } from '../../content/markdown';
import { markdownToText } from '../../content/plain-text';
import { formatDateTime } from '../../dates/format';
import type { Lang } from '../../i18n/locales';
import { SUBJECT_PREFIX, type NoticeKind } from '../../status/notice-kinds';
import { splitReport, type ReportSection } from './report-sections';

// The words of every notice, in Japanese and English, as plain text and HTML built from one
// structure (greeting, facts, body, link) so the two never disagree. Times are shown in the
// site's time zone. Markdown from reports and updates goes through the site's one pipeline: its
// sanitised HTML for the HTML part, its plain-text rendering (lists, aligned tables, links as
// URLs) for the text part. Titles are plain text in both.

export interface NamedComponent {
  nameJa: string;
  nameEn: string;
}

export interface IncidentNoticeInput {
  kind: Extract<NoticeKind, `incident_${string}`>;
  siteName: Record<Lang, string>;
  titleJa: string;
  titleEn: string;
  startedAt: Date;
  resolvedAt: Date | null;
  maxDelayMinutes: number | null;
  components: NamedComponent[];
  update: { bodyJa: string; bodyEn: string; displayAt: Date } | null;
  reportJa: string;
  reportEn: string;
  /** The incident page, per language. */
  url: Record<Lang, string>;
}

export interface MaintenanceNoticeInput {
  kind: Extract<NoticeKind, `maintenance_${string}`>;
  siteName: Record<Lang, string>;
  titleJa: string;
  titleEn: string;
  startsAt: Date;
  endsAt: Date;
  components: NamedComponent[];
  bodyJa: string;
  bodyEn: string;
  url: Record<Lang, string>;
}

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

interface Block {
  intro: string[];
  facts: [string, string][];
  /** Markdown parts with a heading each (updates, report sections). */
  sections: { heading: string | null; markdown: string }[];
  closing: string[];
  link: { label: string; url: string };
}

const WORDS = {
  ja: {
    greeting: (site: string) => `${site}をご利用いただき、誠にありがとうございます。`,
    opened: '下記のとおり障害が発生しております。ご迷惑をおかけしており、誠に申し訳ございません。現在、対応を進めております。',
    update: '下記の障害について、続報をお知らせいたします。',
    resolved: '下記の障害は復旧いたしました。ご迷惑をおかけしましたことを深くお詫び申し上げます。',
    report: '下記の障害につきまして、ご報告とお詫びを申し上げます。',
    maintenance_announced: '下記のとおりメンテナンスを実施いたします。ご不便をおかけいたしますが、ご理解とご協力をお願い申し上げます。',
    maintenance_started: '下記のメンテナンスを開始いたしました。',
    maintenance_completed: '下記のメンテナンスは完了いたしました。ご協力ありがとうございました。',
    title: '件名',
    started: '発生日時',
    resolvedAt: '復旧日時',
    period: '期間',
    updatedAt: '更新日時',
    components: '影響を受けるサービス',
    maxDelay: '最大遅延',
    minutes: (n: number) => (n >= 60 ? `約${Math.floor(n / 60)}時間${n % 60 ? `${n % 60}分` : ''}` : `約${n}分`),
    status: '現在の状況',
    details: '内容',
    link: '最新の情報はこちらでご確認いただけます',
    schedule: '実施日時',
    ongoing: '継続中',
    closing: '今後ともよろしくお願い申し上げます。',
    sections: {
      period: '発生日時',
      symptoms: '事象',
      cause: '原因',
      scope: '影響範囲',
      actions: '対処',
      countermeasures: '今後の対策',
      loss: 'メールの損失について',
      contact: 'お問い合わせ',
    } satisfies Record<ReportSection, string>,
  },
  en: {
    greeting: (site: string) => `Thank you for using ${site}.`,
    opened: 'We are experiencing the incident below. We apologise for the inconvenience and are working on it.',
    update: 'Here is an update on the incident below.',
    resolved: 'The incident below has been resolved. We sincerely apologise for the inconvenience.',
    report: 'We would like to report on the incident below and apologise for it.',
    maintenance_announced: 'We will carry out the maintenance below. We apologise for any inconvenience and thank you for your understanding.',
    maintenance_started: 'The maintenance below has started.',
    maintenance_completed: 'The maintenance below is complete. Thank you for your patience.',
    title: 'Subject',
    started: 'Started',
    resolvedAt: 'Resolved',
    period: 'Period',
    updatedAt: 'Updated',
    components: 'Affected services',
    maxDelay: 'Maximum delay',
    minutes: (n: number) => (n >= 60 ? `about ${Math.floor(n / 60)} h${n % 60 ? ` ${n % 60} min` : ''}` : `about ${n} min`),
    status: 'Current status',
    details: 'Details',
    link: 'Follow the latest information here',
    schedule: 'Scheduled',
    ongoing: 'ongoing',
    closing: 'Thank you for your continued trust.',
    sections: {
      period: 'When it happened',
      symptoms: 'What happened',
      cause: 'Cause',
      scope: 'Scope',
      actions: 'What we did',
      countermeasures: 'Countermeasures',
      loss: 'Mail loss',
      contact: 'Contact',
    } satisfies Record<ReportSection, string>,
  },
} as const;

const REPORT_ORDER: ReportSection[] = ['period', 'symptoms', 'cause', 'scope', 'actions', 'countermeasures', 'loss', 'contact'];

export function renderIncidentNotice(input: IncidentNoticeInput, lang: Lang, timeZone: string): RenderedNotice {
  const w = WORDS[lang];
  const title = lang === 'ja' ? input.titleJa : input.titleEn || input.titleJa;
  const at = (d: Date) => formatDateTime(d, lang, timeZone);
  const facts: [string, string][] = [[w.title, title]];
  const names = input.components.map((c) => (lang === 'ja' ? c.nameJa : c.nameEn)).join(lang === 'ja' ? '、' : ', ');

  const intro = { incident_opened: w.opened, incident_update: w.update, incident_resolved: w.resolved, incident_report: w.report }[input.kind];
  if (input.kind === 'incident_report' || input.kind === 'incident_resolved') {
    facts.push([w.period, `${at(input.startedAt)} – ${input.resolvedAt ? at(input.resolvedAt) : w.ongoing}`]);
  } else {
    facts.push([w.started, at(input.startedAt)]);
  }
  if (input.kind === 'incident_update' && input.update) facts.push([w.updatedAt, at(input.update.displayAt)]);
  if (names) facts.push([w.components, names]);
  if (input.maxDelayMinutes) facts.push([w.maxDelay, w.minutes(input.maxDelayMinutes)]);

  const sections: Block['sections'] = [];
  if (input.kind === 'incident_report') {
    const report = splitReport(lang === 'ja' ? input.reportJa : input.reportEn || input.reportJa);
    if (report.preamble) sections.push({ heading: null, markdown: report.preamble });
    REPORT_ORDER.forEach((key) => {
      const part = report.sections[key];
      if (part) sections.push({ heading: w.sections[key], markdown: part.body });
    });
    if (!sections.length && input.update) sections.push({ heading: w.details, markdown: lang === 'ja' ? input.update.bodyJa : input.update.bodyEn });
  } else if (input.update) {
    sections.push({ heading: input.kind === 'incident_resolved' ? w.details : w.status, markdown: lang === 'ja' ? input.update.bodyJa : input.update.bodyEn || input.update.bodyJa });
  }

  return render(SUBJECT_PREFIX[input.kind][lang] + title, {
    intro: [w.greeting(input.siteName[lang]), intro],
    facts,
    sections,
    closing: input.kind === 'incident_report' || input.kind === 'incident_resolved' ? [w.closing] : [],
    link: { label: w.link, url: input.url[lang] },
  });
}

export function renderMaintenanceNotice(input: MaintenanceNoticeInput, lang: Lang, timeZone: string): RenderedNotice {
  const w = WORDS[lang];
  const title = lang === 'ja' ? input.titleJa : input.titleEn || input.titleJa;
  const names = input.components.map((c) => (lang === 'ja' ? c.nameJa : c.nameEn)).join(lang === 'ja' ? '、' : ', ');
  const facts: [string, string][] = [
    [w.title, title],
    [w.schedule, `${formatDateTime(input.startsAt, lang, timeZone)} – ${formatDateTime(input.endsAt, lang, timeZone)}`],
  ];
  if (names) facts.push([w.components, names]);
  const body = lang === 'ja' ? input.bodyJa : input.bodyEn || input.bodyJa;
  return render(SUBJECT_PREFIX[input.kind][lang] + title, {
    intro: [w.greeting(input.siteName[lang]), w[input.kind]],
    facts,
    sections: body ? [{ heading: w.details, markdown: body }] : [],
    closing: [w.closing],
    link: { label: w.link, url: input.url[lang] },
  });
}

function render(subject: string, block: Block): RenderedNotice {
  // Subjects are header-bound: no line breaks whatever the incident title holds.
  const cleanSubject = subject.replace(/[\r\n]+/g, ' ').slice(0, 250);
  const text = [
    ...block.intro.map((p) => `${p}\n`),
    block.facts.map(([k, v]) => `■ ${k}: ${v}`).join('\n') + '\n',
    ...block.sections.map((s) => (s.heading ? `■ ${s.heading}\n${markdownToText(s.markdown)}\n` : `${markdownToText(s.markdown)}\n`)),
    ...block.closing.map((p) => `${p}\n`),
    `${block.link.label}:\n${block.link.url}`,
  ].join('\n');
  const html = [
    ...block.intro.map((p) => `<p>${escape(p)}</p>`),
    `<table role="presentation" cellpadding="4">${block.facts.map(([k, v]) => `<tr><th align="left">${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`,
    // No images in mail: a mail client fetching one tells the host the notice was opened.
    ...block.sections.map((s) => `${s.heading ? `<h3>${escape(s.heading)}</h3>` : ''}${renderMarkdown(s.markdown, { images: 'none' })}`),
    ...block.closing.map((p) => `<p>${escape(p)}</p>`),
    `<p><a href="${escape(block.link.url).replace(/"/g, '&quot;')}">${escape(block.link.label)}</a></p>`,
  ].join('\n');
  return { subject: cleanSubject, text, html };
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
