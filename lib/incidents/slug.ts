import { formatInTimeZone } from 'date-fns-tz';

// The slug a console incident gets: its day in the site's time zone and the words of its English
// title. The notice preview shows the link the real notice will carry, so both ask here.

export function incidentSlugBase(titleEn: string, at: Date, timeZone: string): string {
  const stamp = formatInTimeZone(at, timeZone, 'yyyyMMdd');
  const words = titleEn.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'incident';
  return `${stamp}-${words}`;
}

/** The base, or the base with the first free "-2", "-3", … suffix. */
export async function freeIncidentSlug(taken: (slug: string) => Promise<boolean>, base: string): Promise<string> {
  let slug = base;
  for (let n = 2; await taken(slug); n++) slug = `${base}-${n}`;
  return slug;
}
