import { pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { COMPONENT_TONE, StatusIcon } from './status-icon';

export function ComponentList({ groups, lang }: { groups: ComponentGroupDto[]; lang: Lang }) {
  const t = messages(lang);
  return (
    <div className="component-groups">
      {groups.map((group) => (
        <section key={group.id} className="component-group" aria-labelledby={`group-${group.slug}`}>
          <h3 id={`group-${group.slug}`}>{pick(lang, group.nameJa, group.nameEn)}</h3>
          <ul className="component-list">
            {group.components.map((c) => (
              <li key={c.id} className="component" data-component={c.slug} data-status={c.status}>
                <span className="component-name">
                  {pick(lang, c.nameJa, c.nameEn)}
                  <span className="component-description">{pick(lang, c.descriptionJa, c.descriptionEn)}</span>
                </span>
                <span className={`component-status tone-${COMPONENT_TONE[c.status]}`}>
                  <StatusIcon tone={COMPONENT_TONE[c.status]} />
                  {t.componentStatus[c.status]}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
