import { pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import type { IncidentUpdateDto } from '@/lib/status/dto';
import { LocalTime } from './local-time';
import { UpdateBody } from './update-body';

/** The incident's updates in time order. */
export function Timeline({ updates, lang }: { updates: IncidentUpdateDto[]; lang: Lang }) {
  const t = messages(lang);
  return (
    <ol className="timeline">
      {updates.map((u) => (
        <li key={u.id} className={`timeline-entry status-${u.status}`}>
          <p className="timeline-when">
            <LocalTime iso={u.displayAt} lang={lang} precision={u.precision} />
            <span className={`badge status-${u.status}`}>{t.incidentStatus[u.status]}</span>
          </p>
          <UpdateBody markdown={pick(lang, u.bodyJa, u.bodyEn)} />
        </li>
      ))}
    </ol>
  );
}
