import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { adminText } from '@/lib/i18n/admin';
import { listComponentsForForms } from '@/lib/incidents/admin';
import { getTemplate, listTemplates, templateFormValues } from '@/lib/incidents/templates';
import { TemplatePicker } from '../../_components/template-picker';
import { AdminShell } from '../../_components/admin-shell';
import { statusLabels } from '../../_components/labels';
import { notifyText } from '../../_components/labels';
import { IncidentForm } from '../_components/incident-form';

export default async function NewIncidentPage({ searchParams }: { searchParams: Promise<{ template?: string }> }) {
  const staff = await requireStaffPage();
  const lang = await adminLang();
  const t = adminText(lang);
  const templateId = (await searchParams).template;
  const [templates, template] = await Promise.all([listTemplates('incident'), templateId ? getTemplate(templateId, 'incident') : null]);
  const components = (await listComponentsForForms()).map((c) => ({ id: c.id, name: lang === 'ja' ? c.nameJa : c.nameEn, status: c.status }));
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/incidents">
      <h1>{t.newIncident}</h1>
      <TemplatePicker lang={lang} templates={templates} selected={template?.id} action="/admin/incidents/new" anchor="new-incident" />
      <IncidentForm
        initial={template ? templateFormValues(template) : undefined}
        components={components}
        notifyText={notifyText(lang)}
        t={{
          titleJa: t.titleJa,
          titleEn: t.titleEn,
          bodyJa: t.bodyJa,
          bodyEn: t.bodyEn,
          impact: t.impact,
          status: t.status,
          components: t.components,
          unchanged: t.unchanged,
          publishNow: t.publishNow,
          saveDraft: t.saveDraft,
          create: t.create,
          confirmCheck: t.confirmCheck,
          ...statusLabels(lang),
        }}
      />
    </AdminShell>
  );
}
