import 'server-only';
import { cookies } from 'next/headers';
import type { Lang } from '../i18n/locales';

export const ADMIN_LANG_COOKIE = 'tayori_admin_lang';

export async function adminLang(): Promise<Lang> {
  return (await cookies()).get(ADMIN_LANG_COOKIE)?.value === 'en' ? 'en' : 'ja';
}
