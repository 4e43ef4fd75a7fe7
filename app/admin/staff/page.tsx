import { LocalTime } from '@/components/local-time';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { listStaff } from '@/lib/auth/staff';
import { adminText } from '@/lib/i18n/admin';
import { AdminShell } from '../_components/admin-shell';
import { setStaffDisabledAction } from './actions';
import { InviteForm } from './invite-form';

export default async function StaffPage() {
  const staff = await requireStaffPage('admin');
  const lang = await adminLang();
  const t = adminText(lang);
  const people = await listStaff();
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/staff">
      <h1>{t.staff}</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.email}</th>
            <th scope="col">{t.role}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.lastSignIn}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.id}>
              <th scope="row">{p.email}</th>
              <td>{p.role}</td>
              <td>{p.disabled ? t.disabled : p.hasPassword ? t.active : t.waitingPassword}</td>
              <td>{p.lastSignInAt ? <LocalTime iso={p.lastSignInAt} lang={lang} /> : t.never}</td>
              <td>
                {p.id !== staff.id && (
                  <form action={setStaffDisabledAction} className="inline-form">
                    <input type="hidden" name="userId" value={p.id} />
                    <input type="hidden" name="disabled" value={p.disabled ? 'false' : 'true'} />
                    <button type="submit" className={p.disabled ? 'secondary' : 'danger'}>
                      {p.disabled ? t.enable : t.disable}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.invite}</h2>
      <InviteForm t={{ email: t.email, role: t.role, invite: t.invite, inviteLink: t.inviteLink }} />
    </AdminShell>
  );
}
