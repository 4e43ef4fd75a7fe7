import { notFound } from 'next/navigation';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { templateText } from '@/lib/i18n/admin-templates';
import { getTemplate } from '@/lib/incidents/templates';
import { AdminShell } from '../../_components/admin-shell';
import { statusLabels } from '../../_components/labels';
import { deleteTemplateAction } from '../actions';
import { TemplateForm } from '../template-form';

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await requireStaffPage();
  const lang = await adminLang();
  const t = templateText(lang);
  const template = await getTemplate((await params).id);
  if (!template) notFound();
  const labels = statusLabels(lang);
  const initial = { name: template.name, kind: template.kind, titleJa: template.titleJa, titleEn: template.titleEn, bodyJa: template.bodyJa, bodyEn: template.bodyEn, status: template.status ?? '', impact: template.impact ?? '' };
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/templates">
      <h1>
        {t.templates}: {template.name}
      </h1>
      <TemplateForm id={template.id} initial={initial} labels={{ words: t, impacts: labels.impacts, statuses: labels.statuses }} />
      <form action={deleteTemplateAction} className="inline-form">
        <input type="hidden" name="id" value={template.id} />
        <button type="submit" className="danger">
          {t.delete}
        </button>
      </form>
    </AdminShell>
  );
}
