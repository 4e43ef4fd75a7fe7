import { LocalTime } from '@/components/local-time';
import { describeAuditEntry } from '@/lib/audit/describe';
import { listAudit } from '@/lib/audit/log';
import { auditTargetNames } from '@/lib/audit/targets';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { adminText } from '@/lib/i18n/admin';
import { AdminShell } from '../_components/admin-shell';

export default async function AuditPage() {
  const staff = await requireStaffPage('admin');
  const lang = await adminLang();
  const t = adminText(lang);
  const entries = await listAudit(300);
  const names = await auditTargetNames(entries, lang);
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/audit">
      <h1>{t.audit}</h1>
      <table className="audit-log">
        <thead>
          <tr>
            <th scope="col">{t.when}</th>
            <th scope="col">{t.who}</th>
            <th scope="col">{t.what}</th>
            <th scope="col">{t.target}</th>
            <th scope="col">{t.auditChanges}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const d = describeAuditEntry(e, e.targetType && e.targetId ? (names.get(`${e.targetType}:${e.targetId}`) ?? null) : null, lang);
            return (
              <tr key={e.id} data-audit-action={e.action}>
                <td>
                  <LocalTime iso={e.at} lang={lang} />
                </td>
                <td>
                  {e.actorEmail}
                  {e.ip && <small className="audit-ip">{e.ip}</small>}
                </td>
                <td data-audit-sentence>{d.sentence}</td>
                <td data-audit-target>
                  {d.targetKind && <span className="audit-kind">{d.targetKind}</span>} {d.targetName}
                </td>
                <td>
                  {d.changes.length > 0 && (
                    <ul className="audit-changes">
                      {d.changes.map((c, i) => (
                        <li key={i}>
                          <span className="audit-field">{c.field}</span>:{' '}
                          {c.before !== undefined && (
                            <>
                              <del>{c.before}</del> →{' '}
                            </>
                          )}
                          {c.after !== undefined && <ins>{c.after}</ins>}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </AdminShell>
  );
}
