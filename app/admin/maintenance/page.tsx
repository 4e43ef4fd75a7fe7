import { LocalTime } from '@/components/local-time';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { adminText } from '@/lib/i18n/admin';
import { listComponentsForForms } from '@/lib/incidents/admin';
import { listMaintenances } from '@/lib/maintenance/admin';
import { AdminShell } from '../_components/admin-shell';
import { getTemplate, listTemplates, templateFormValues } from '@/lib/incidents/templates';
import { TemplatePicker } from '../_components/template-picker';
import { MaintenanceForm } from './maintenance-form';

const STATUS = {
  ja: { scheduled: '予定', in_progress: '実施中', verifying: '確認中', completed: '完了' },
  en: { scheduled: 'Scheduled', in_progress: 'In progress', verifying: 'Verifying', completed: 'Completed' },
} as const;

export default async function MaintenancePage({ searchParams }: { searchParams: Promise<{ template?: string }> }) {
  const staff = await requireStaffPage();
  const lang = await adminLang();
  const t = adminText(lang);
  const templateId = (await searchParams).template;
  const [list, components, templates, template] = await Promise.all([listMaintenances(), listComponentsForForms(), listTemplates('maintenance'), templateId ? getTemplate(templateId, 'maintenance') : null]);
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/maintenance">
      <h1>{t.maintenance}</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.titleJa}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.when}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((m) => (
            <tr key={m.id} data-maintenance={m.slug}>
              <th scope="row">{lang === 'ja' ? m.titleJa : m.titleEn}</th>
              <td>{STATUS[lang][m.status as keyof (typeof STATUS)['ja']] ?? m.status}</td>
              <td>
                <LocalTime iso={m.scheduledFor.toISOString()} lang={lang} /> – <LocalTime iso={m.scheduledUntil.toISOString()} lang={lang} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="new-maintenance">{lang === 'ja' ? 'メンテナンスを予定する' : 'Schedule maintenance'}</h2>
      <TemplatePicker lang={lang} templates={templates} selected={template?.id} action="/admin/maintenance" anchor="new-maintenance" />
      <MaintenanceForm
        key={template?.id ?? 'blank'}
        initial={template ? templateFormValues(template) : undefined}
        components={components.map((c) => ({ id: c.id, name: lang === 'ja' ? c.nameJa : c.nameEn }))}
        t={{
          titleJa: t.titleJa,
          titleEn: t.titleEn,
          bodyJa: t.bodyJa,
          bodyEn: t.bodyEn,
          from: lang === 'ja' ? '開始（日本時間）' : 'Start (site time)',
          until: lang === 'ja' ? '終了（日本時間）' : 'End (site time)',
          remind: lang === 'ja' ? 'リマインダー（開始の何分前）' : 'Reminder (minutes before the start)',
          components: t.components,
          confirm: t.confirmCheck,
          create: t.create,
          notify: t.notify,
        }}
      />
    </AdminShell>
  );
}
