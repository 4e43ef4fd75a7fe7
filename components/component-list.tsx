import Link from 'next/link';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { componentPageMessages } from '@/lib/i18n/component-page-messages';
import { messages } from '@/lib/i18n/messages';
import type { UptimeComponent } from '@/lib/metrics/uptime';
import type { ComponentDto, ComponentGroupDto } from '@/lib/status/dto';
import { worseStatus, type ComponentStatus } from '@/lib/status/types';
import { formatSeconds } from './charts/delay-chart';
import { COMPONENT_TONE, StatusIcon } from './status-icon';
import { UptimeBars } from './uptime-bars';

/** More components than the catalogue's ten is a long list: groups with nothing wrong start closed. */
export const LONG_LIST = 10;

/** Statuspage's only_show_if_degraded: left out while operational (and measured, not "no data"). */
export function isListed(c: ComponentDto): boolean {
  return !c.onlyShowIfDegraded || c.status !== 'operational' || c.noData;
}

const isTroubled = (c: ComponentDto) => c.status !== 'operational' || c.noData;

export function ComponentList({ groups, lang, uptime }: { groups: ComponentGroupDto[]; lang: Lang; uptime?: UptimeComponent[] }) {
  const t = messages(lang);
  const g = componentPageMessages(lang);
  const uptimeBySlug = new Map((uptime ?? []).map((u) => [u.slug, u]));
  const listed = groups.map((group) => ({ ...group, components: group.components.filter(isListed) })).filter((group) => group.components.length > 0);
  const long = listed.reduce((n, group) => n + group.components.length, 0) > LONG_LIST;
  return (
    <div className="component-groups">
      {listed.map((group) => {
        const worst = group.components.map((c) => c.status).reduce<ComponentStatus>(worseStatus, 'operational');
        const noData = worst === 'operational' && group.components.some((c) => c.noData);
        // A <details> works without JavaScript; a group with anything wrong in it is always open.
        const open = !long || group.components.some(isTroubled);
        return (
          <section key={group.id} className="component-group" aria-labelledby={`group-${group.slug}`} data-group={group.slug}>
            <details open={open}>
              <summary>
                <h3 id={`group-${group.slug}`}>{pick(lang, group.nameJa, group.nameEn)}</h3>
                <span className={`group-summary tone-${noData ? 'nodata' : COMPONENT_TONE[worst]}`} data-group-status={noData ? 'no_data' : worst}>
                  {noData ? t.noData : t.componentStatus[worst]} · {g.groupCount(group.components.length)}
                </span>
              </summary>
              <ul className="component-list">
                {group.components.map((c) => (
                  <ComponentRow key={c.id} c={c} lang={lang} uptime={uptimeBySlug.get(c.slug)} />
                ))}
              </ul>
            </details>
          </section>
        );
      })}
    </div>
  );
}

function ComponentRow({ c, lang, uptime: u }: { c: ComponentDto; lang: Lang; uptime?: UptimeComponent }) {
  const t = messages(lang);
  const tone = c.noData ? 'nodata' : COMPONENT_TONE[c.status];
  const name = pick(lang, c.nameJa, c.nameEn);
  return (
    <li className="component" data-component={c.slug} data-status={c.status} data-no-data={c.noData || undefined}>
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
}
