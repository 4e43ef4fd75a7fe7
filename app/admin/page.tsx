import Link from 'next/link';
import { LocalTime } from '@/components/local-time';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { adminText } from '@/lib/i18n/admin';
import { listConsoleIncidents } from '@/lib/incidents/admin';
import { messages } from '@/lib/i18n/messages';
import { AdminShell } from './_components/admin-shell';

export default async function Dashboard() {
  const staff = await requireStaffPage();
  const lang = await adminLang();
  const t = adminText(lang);
  const m = messages(lang);
  const open = (await listConsoleIncidents(200)).filter((i) => !['resolved', 'postmortem'].includes(i.status));
  return (
    <AdminShell staff={staff} lang={lang} current="/admin">
      <h1>{t.dashboard}</h1>
      <p>
        <Link className="button" href="/admin/incidents/new">
          {t.newIncident}
        </Link>
      </p>
      <h2>{t.open}</h2>
      {open.length === 0 ? (
        <p>{t.noOpen}</p>
      ) : (
        <ul>
          {open.map((i) => (
            <li key={i.id}>
              <Link href={`/admin/incidents/${i.id}`}>{lang === 'ja' ? i.titleJa : i.titleEn}</Link> — {m.incidentStatus[i.status]} ·{' '}
              {i.published ? t.published : t.draft}
              {i.source === 'auto' ? ` · ${t.auto}` : ''} · <LocalTime iso={i.startedAt} lang={lang} />
            </li>
          ))}
        </ul>
      )}
    </AdminShell>
  );
}
