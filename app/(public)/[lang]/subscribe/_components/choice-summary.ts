import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';

/** What a subscription follows: everything, or chosen groups (with what is added to them later) and components. */
export interface PickerValue {
  all: boolean;
  components: string[];
  groups: string[];
}

/** Chosen components that a chosen group does not already cover, and the chosen groups: what the picker counts. */
export function chosenCounts(groups: ComponentGroupDto[], value: PickerValue): { components: number; groups: number } {
  const known = groups.filter((g) => value.groups.includes(g.slug));
  const covered = new Set(known.flatMap((g) => g.components.map((c) => c.slug)));
  const components = groups.flatMap((g) => g.components).filter((c) => value.components.includes(c.slug) && !covered.has(c.slug));
  return { components: components.length, groups: known.length };
}

/** The followed services in words, one line each: "all services", whole groups, then single services. */
export function followedLines(groups: ComponentGroupDto[], value: PickerValue, lang: Lang): string[] {
  const t = subscribeMessages(lang);
  if (value.all) return [t.scopeAll];
  const name = (x: { nameJa: string; nameEn: string }) => (lang === 'ja' ? x.nameJa : x.nameEn);
  const whole = groups.filter((g) => value.groups.includes(g.slug));
  const covered = new Set(whole.flatMap((g) => g.components.map((c) => c.slug)));
  const single = groups.flatMap((g) => g.components).filter((c) => value.components.includes(c.slug) && !covered.has(c.slug));
  return [...whole.map((g) => t.wholeGroup(name(g))), ...single.map(name)];
}
