import { LocalTime } from '@/components/local-time';
import { listApiKeys } from '@/lib/api-keys/store';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { apiKeyText } from '@/lib/i18n/admin-api-keys';
import { listComponentsForForms } from '@/lib/incidents/admin';
import { AdminShell } from '../_components/admin-shell';
import { revokeApiKeyAction } from './actions';
import { CreateKeyForm } from './create-key-form';

export default async function ApiKeysPage() {
  const staff = await requireStaffPage('admin');
  const lang = await adminLang();
  const t = apiKeyText(lang);
  const [keys, components] = await Promise.all([listApiKeys(), listComponentsForForms()]);
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/api-keys">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {keys.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.prefix}</th>
              <th scope="col">{t.role}</th>
              <th scope="col">{t.scope}</th>
              <th scope="col">{t.createdBy}</th>
              <th scope="col">{t.lastUsed}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-api-key={k.prefix}>
                <th scope="row">{k.name}</th>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.role}</td>
                <td>{k.componentSlugs ? k.componentSlugs.join(', ') : t.allComponents}</td>
                <td>
                  {k.createdByEmail} (<LocalTime iso={k.createdAt} lang={lang} />)
                </td>
                <td>{k.lastUsedAt ? <LocalTime iso={k.lastUsedAt} lang={lang} /> : t.never}</td>
                <td>
                  {k.revokedAt ? (
                    t.revoked
                  ) : (
                    <form action={revokeApiKeyAction} className="inline-form">
                      <input type="hidden" name="keyId" value={k.id} />
                      <button type="submit" className="danger" title={t.revokeConfirm}>
                        {t.revoke}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t.create}</h2>
      <CreateKeyForm t={t} components={components.map((c) => ({ id: c.id, label: lang === 'ja' ? c.nameJa : c.nameEn }))} />
    </AdminShell>
  );
}
