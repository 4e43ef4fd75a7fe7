import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LocalTime } from '@/components/local-time';
import { UpdateBody } from '@/components/update-body';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { env } from '@/lib/env';
import { adminText } from '@/lib/i18n/admin';
import { messages } from '@/lib/i18n/messages';
import { getConsoleIncident, listComponentsForForms } from '@/lib/incidents/admin';
import { currentSummary } from '@/lib/incidents/current-text';
import { reportTemplate } from '@/lib/incidents/report-template';
import { noticesForIncident } from '@/lib/notices/preview';
import { getNoticeProgress } from '@/lib/notices/progress';
import type { IncidentStatus } from '@/lib/status/types';
import { AdminShell } from '../../_components/admin-shell';
import { notifyText, statusLabels } from '../../_components/labels';
import { setPublishedAction } from '../actions';
import { NoticeProgress } from '../_components/notify';
import { getTemplate, listTemplates, templateFormValues } from '@/lib/incidents/templates';
import { TemplatePicker } from '../../_components/template-picker';
import { SummaryForm } from '../_components/summary-form';
import { CorrectionForm, ReportEditor, UpdateForm } from '../_components/update-forms';

export default async function ConsoleIncidentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ template?: string }> }) {
  const staff = await requireStaffPage();
  const lang = await adminLang();
  const t = adminText(lang);
  const m = messages(lang);
  const incident = await getConsoleIncident((await params).id);
  if (!incident) notFound();
  const templateId = (await searchParams).template;
  const [updateTemplates, updateTemplate] = await Promise.all([listTemplates('update'), templateId ? getTemplate(templateId, 'update') : null]);
  const components = (await listComponentsForForms()).map((c) => ({ id: c.id, name: lang === 'ja' ? c.nameJa : c.nameEn, status: c.status }));
  const labels = statusLabels(lang);
  const notices = (await Promise.all((await noticesForIncident(incident.id)).map((n) => getNoticeProgress(n.id)))).filter((n) => n !== null);
  const resolved = incident.status === 'resolved' || incident.status === 'postmortem';
  // What the public page shows now (updates are listed newest first here).
  const summary = currentSummary({ ja: incident.summaryJa, en: incident.summaryEn }, incident.updates.toReversed());
  const template = reportTemplate({
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt,
    maxDelayMinutes: incident.maxDelayMinutes,
    components: incident.components.map((c) => c.component),
    windows: incident.windows,
    timeZone: env.SITE_TIME_ZONE,
  });

  return (
    <AdminShell staff={staff} lang={lang} current="/admin/incidents">
      <h1>{lang === 'ja' ? incident.titleJa : incident.titleEn}</h1>
      <p className="row-actions">
        <span>
          {m.incidentStatus[incident.status as IncidentStatus]} · {incident.published ? t.published : t.draft}
          {incident.source === 'auto' ? ` · ${t.auto}` : ''}
        </span>
        {incident.published && <Link href={`/incidents/${incident.slug}`}>{t.viewPublic}</Link>}
        <form action={setPublishedAction} className="inline-form">
          <input type="hidden" name="incidentId" value={incident.id} />
          <input type="hidden" name="published" value={incident.published ? 'false' : 'true'} />
          <button type="submit" className={incident.published ? 'secondary' : undefined}>
            {incident.published ? t.unpublish : t.publish}
          </button>
        </form>
      </p>

      {!resolved && (
        <section aria-labelledby="update-heading">
          <h2 id="update-heading">{t.postUpdate}</h2>
          <TemplatePicker lang={lang} templates={updateTemplates} selected={updateTemplate?.id} action={`/admin/incidents/${incident.id}`} anchor="update-heading" />
          <UpdateForm
            key={updateTemplate?.id ?? 'blank'}
            initial={updateTemplate ? templateFormValues(updateTemplate) : undefined}
            incidentId={incident.id}
            notifyText={notifyText(lang)}
            components={components}
            defaultStatus={incident.status}
            t={{ status: t.status, bodyJa: t.bodyJa, bodyEn: t.bodyEn, components: t.components, unchanged: t.unchanged, post: t.post, confirmCheck: t.confirmCheck, statuses: labels.statuses, componentStatuses: labels.componentStatuses }}
          />
        </section>
      )}

      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t.summary}</h2>
        <SummaryForm
          // A new or corrected latest update changes the summary: start the form from it again.
          key={incident.updates[0] ? `${incident.updates[0].id}@${incident.updates[0].updatedAt.getTime()}` : 'none'}
          incidentId={incident.id}
          summaryJa={summary.ja}
          summaryEn={summary.en}
          t={{ summaryJa: t.summaryJa, summaryEn: t.summaryEn, summaryHelp: t.summaryHelp, saveSummary: t.saveSummary, confirmCheck: t.confirmCheck }}
        />
      </section>

      {notices.length > 0 && (
        <section aria-labelledby="notices-heading">
          <h2 id="notices-heading">{t.notices}</h2>
          {notices.map((n) => (
            <NoticeProgress key={n.id} noticeId={n.id} initial={n} labels={{ pending: t.pending, sent: t.sent, failed: t.failed, hardBounces: t.hardBounces, softBounces: t.softBounces, complaints: t.complaints }} />
          ))}
        </section>
      )}

      <section aria-labelledby="updates-heading">
        <h2 id="updates-heading">{m.timelineHeading}</h2>
        {incident.updates.map((u) => (
          <article key={u.id} className="incident-card" data-update={u.id}>
            <p className="update-heading">
              <strong>{m.incidentStatus[u.status as IncidentStatus]}</strong> · <LocalTime iso={u.displayAt.toISOString()} lang={lang} />
              {u.revisions > 0 && ` · ${t.corrected(u.revisions)}`}
            </p>
            <UpdateBody markdown={lang === 'ja' ? u.bodyJa : u.bodyEn} />
            <details>
              <summary>{t.correct}</summary>
              <CorrectionForm incidentId={incident.id} updateId={u.id} bodyJa={u.bodyJa} bodyEn={u.bodyEn} t={{ bodyJa: t.bodyJa, bodyEn: t.bodyEn, correct: t.correct, confirmCheck: t.confirmCheck }} />
            </details>
          </article>
        ))}
      </section>

      <section aria-labelledby="report-heading">
        <h2 id="report-heading">{t.report}</h2>
        <ReportEditor
          incidentId={incident.id}
          reportJa={incident.reportJa || template.ja}
          reportEn={incident.reportEn || template.en}
          t={{ reportJa: t.reportJa, reportEn: t.reportEn, preview: t.preview, saveReport: t.saveReport, publishReport: t.publishReport, confirmCheck: t.confirmCheck, notifyReport: t.notifyReport, draftReport: t.draftReport, draftReportHelp: t.draftReportHelp, drafted: t.drafted }}
        />
      </section>
    </AdminShell>
  );
}
