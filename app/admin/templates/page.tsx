import Link from 'next/link';
import { LocalTime } from '@/components/local-time';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { templateText } from '@/lib/i18n/admin-templates';
import { listTemplates, type TemplateDto } from '@/lib/incidents/templates';
import { AdminShell } from '../_components/admin-shell';
import { statusLabels } from '../_components/labels';
import { TemplateForm } from './template-form';

/** Where a template is used: the form it fills (an update template is chosen on the incident page). */
function templateUseHref(t: Pick<TemplateDto, 'id' | 'kind'>): string {
  if (t.kind === 'incident') return `/admin/incidents/new?template=${t.id}`;
  if (t.kind === 'maintenance') return `/admin/maintenance?template=${t.id}#new-maintenance`;
  return '/admin/incidents';
}

export default async function TemplatesPage() {
  const staff = await requireStaffPage();
  const lang = await adminLang();
  const t = templateText(lang);
  const labels = statusLabels(lang);
  const templates = await listTemplates();
  const kindName = { incident: t.kindIncident, update: t.kindUpdate, maintenance: t.kindMaintenance };
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/templates">
      <h1>{t.templates}</h1>
      <p>{t.intro}</p>
      {templates.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.kind}</th>
              <th scope="col">{t.titleJa}</th>
              <th scope="col">{t.updated}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {templates.map((tpl) => (
              <tr key={tpl.id}>
                <th scope="row">
                  <Link href={`/admin/templates/${tpl.id}`}>{tpl.name}</Link>
                </th>
                <td>{kindName[tpl.kind]}</td>
                <td>{tpl.titleJa}</td>
                <td>
                  <LocalTime iso={tpl.updatedAt} lang={lang} />
                </td>
                <td>{tpl.kind !== 'update' && <Link href={templateUseHref(tpl)}>{t.use}</Link>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t.create}</h2>
      <TemplateForm labels={{ words: t, impacts: labels.impacts, statuses: labels.statuses }} />
    </AdminShell>
  );
}
