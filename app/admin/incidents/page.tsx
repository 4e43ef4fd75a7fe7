import Link from 'next/link';
import { LocalTime } from '@/components/local-time';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { adminText } from '@/lib/i18n/admin';
import { messages } from '@/lib/i18n/messages';
import { listConsoleIncidents } from '@/lib/incidents/admin';
import { AdminShell } from '../_components/admin-shell';

export default async function ConsoleIncidents() {
  const staff = await requireStaffPage();
  const lang = await adminLang();
  const t = adminText(lang);
  const m = messages(lang);
  const incidents = await listConsoleIncidents();
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/incidents">
      <h1>{t.incidents}</h1>
      <p>
        <Link className="button" href="/admin/incidents/new">
          {t.newIncident}
        </Link>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.titleJa}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.impact}</th>
            <th scope="col">{t.source}</th>
            <th scope="col">{t.when}</th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((i) => (
            <tr key={i.id} data-incident-row={i.slug}>
              <th scope="row">
                <Link href={`/admin/incidents/${i.id}`}>{lang === 'ja' ? i.titleJa : i.titleEn}</Link>
              </th>
              <td>
                {m.incidentStatus[i.status]} · {i.published ? t.published : t.draft}
              </td>
              <td>{m.impact[i.impact]}</td>
              <td>{i.source === 'auto' ? t.auto : i.source}</td>
              <td>
                <LocalTime iso={i.startedAt} lang={lang} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminShell>
  );
}
