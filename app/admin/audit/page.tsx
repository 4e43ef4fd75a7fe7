import { LocalTime } from '@/components/local-time';
import { listAudit } from '@/lib/audit/log';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { adminText } from '@/lib/i18n/admin';
import { AdminShell } from '../_components/admin-shell';

export default async function AuditPage() {
  const staff = await requireStaffPage('admin');
  const lang = await adminLang();
  const t = adminText(lang);
  const entries = await listAudit(300);
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/audit">
      <h1>{t.audit}</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.when}</th>
            <th scope="col">{t.who}</th>
            <th scope="col">{t.what}</th>
            <th scope="col">{t.target}</th>
            <th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-audit-action={e.action}>
              <td>
                <LocalTime iso={e.at} lang={lang} />
              </td>
              <td>{e.actorEmail}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : ''} <small>{e.details !== '{}' ? e.details : ''}</small>
              </td>
              <td>{e.ip}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminShell>
  );
}
