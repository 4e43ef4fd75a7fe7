import { LocalTime } from '@/components/local-time';
import type { Lang } from '@/lib/i18n/locales';
import { AUTO_BLOCK_ACTOR, type BlocklistListing } from '@/lib/mta/admin-client';
import { unblockAction } from '../actions';

export type BlocklistLabels = Record<
  'kind' | 'value' | 'reason' | 'addedBy' | 'expires' | 'automatic' | 'untilRemoved' | 'unblock' | 'blocklistOff' | 'autoOff' | 'autoRule' | 'perMinuteMessages' | 'perMinuteRefused' | 'or',
  string
>;

/** "… more than 60 messages or more than 10 refused recipients a minute … 60 minutes", from the MTA's settings. */
function autoRule(auto: BlocklistListing['auto_block'], t: BlocklistLabels): string {
  const triggers = [
    auto.messages_per_minute > 0 ? t.perMinuteMessages.replace('{n}', String(auto.messages_per_minute)) : null,
    auto.rejected_recipients_per_minute > 0 ? t.perMinuteRefused.replace('{n}', String(auto.rejected_recipients_per_minute)) : null,
  ].filter(Boolean);
  return t.autoRule.replace('{triggers}', triggers.join(t.or)).replace('{minutes}', String(auto.minutes));
}

/**
 * The blocklist as the MTA applies it. Entries the MTA made itself for flooding clients are marked
 * "automatic" with the time they lapse; an admin removes them like any other entry.
 */
export function BlocklistTable({ listing, lang, t }: { listing: BlocklistListing; lang: Lang; t: BlocklistLabels }) {
  return (
    <>
      {listing.enabled ? <p>{listing.auto_block.enabled ? autoRule(listing.auto_block, t) : t.autoOff}</p> : <p className="form-error">{t.blocklistOff}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">{t.kind}</th>
            <th scope="col">{t.value}</th>
            <th scope="col">{t.reason}</th>
            <th scope="col">{t.addedBy}</th>
            <th scope="col">{t.expires}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {listing.entries.map((e) => {
            const automatic = e.created_by === AUTO_BLOCK_ACTOR;
            return (
              <tr key={e.id} data-automatic={automatic ? 'true' : undefined}>
                <td>{e.kind}</td>
                <td><code>{e.value}</code></td>
                <td>{e.reason}</td>
                <td>{automatic ? <span className="badge">{t.automatic}</span> : e.created_by}</td>
                <td>{e.expires_at ? <LocalTime iso={e.expires_at} lang={lang} /> : t.untilRemoved}</td>
                <td>
                  <form action={unblockAction} className="inline-form">
                    <input type="hidden" name="id" value={e.id} />
                    <input type="hidden" name="value" value={e.value} />
                    <button type="submit" className="secondary">{t.unblock}</button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
