import Link from 'next/link';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import type { UptimeComponent } from '@/lib/metrics/uptime';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { formatSeconds } from './charts/delay-chart';
import { COMPONENT_TONE, StatusIcon } from './status-icon';
import { UptimeBars } from './uptime-bars';

export function ComponentList({ groups, lang, uptime }: { groups: ComponentGroupDto[]; lang: Lang; uptime?: UptimeComponent[] }) {
  const t = messages(lang);
  const uptimeBySlug = new Map((uptime ?? []).map((u) => [u.slug, u]));
  return (
    <div className="component-groups">
      {groups.map((group) => (
        <section key={group.id} className="component-group" aria-labelledby={`group-${group.slug}`}>
          <h3 id={`group-${group.slug}`}>{pick(lang, group.nameJa, group.nameEn)}</h3>
          <ul className="component-list">
            {group.components.map((c) => {
              const tone = c.noData ? 'nodata' : COMPONENT_TONE[c.status];
              const name = pick(lang, c.nameJa, c.nameEn);
              const u = uptimeBySlug.get(c.slug);
              return (
                <li key={c.id} className="component" data-component={c.slug} data-status={c.status} data-no-data={c.noData || undefined}>
                  <div className="component-row">
                    <span className="component-name">
                      <Link href={localePath(lang, `/components/${c.slug}`)}>{name}</Link>
                      <span className="component-description">{pick(lang, c.descriptionJa, c.descriptionEn)}</span>
                    </span>
                    <span className="component-state">
                      <span className={`component-status tone-${tone}`}>
                        <StatusIcon tone={c.noData ? 'maintenance' : COMPONENT_TONE[c.status]} />
                        {c.noData ? t.noData : t.componentStatus[c.status]}
                      </span>
                      {c.measured && !c.noData && c.currentDelayS !== null && (
                        <span className="component-delay" data-delay-seconds={Math.round(c.currentDelayS)}>
                          {t.currentDelay}: {formatSeconds(c.currentDelayS, lang)}
                        </span>
                      )}
                    </span>
                  </div>
                  {u && <UptimeBars uptime={u} lang={lang} name={name} />}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
