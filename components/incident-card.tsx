import Link from 'next/link';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import type { IncidentSummaryDto } from '@/lib/status/dto';
import { LocalTime } from './local-time';
import { UpdateBody } from './update-body';

/** An incident in a list: title, impact, status and, optionally, its latest update. */
export function IncidentCard({
  incident,
  lang,
  headingLevel = 3,
  showLatestUpdate = true,
}: {
  incident: IncidentSummaryDto;
  lang: Lang;
  headingLevel?: 2 | 3 | 4;
  showLatestUpdate?: boolean;
}) {
  const t = messages(lang);
  const Heading = `h${headingLevel}` as const;
  const update = incident.latestUpdate;
  return (
    <article className={`incident-card impact-${incident.impact}`} data-incident={incident.slug}>
      <Heading className="incident-title">
        <Link href={localePath(lang, `/incidents/${incident.slug}`)}>{pick(lang, incident.titleJa, incident.titleEn)}</Link>
      </Heading>
      <p className="incident-meta">
        <span className={`badge impact-${incident.impact}`}>
          {t.impactLabel}: {t.impact[incident.impact]}
        </span>
        <span className={`badge status-${incident.status}`}>{t.incidentStatus[incident.status]}</span>
        <LocalTime iso={incident.startedAt} lang={lang} />
      </p>
      {showLatestUpdate && update && (
        <div className="latest-update">
          <p className="update-heading">
            <strong>{t.incidentStatus[update.status]}</strong> · <LocalTime iso={update.displayAt} lang={lang} precision={update.precision} />
          </p>
          <UpdateBody markdown={pick(lang, update.bodyJa, update.bodyEn)} />
        </div>
      )}
    </article>
  );
}
