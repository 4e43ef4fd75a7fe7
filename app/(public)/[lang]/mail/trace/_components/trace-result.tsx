import type { Lang } from '@/lib/i18n/locales';
import { mailTraceMessages } from '@/lib/i18n/mail-trace-messages';
import type { ShownTime, TraceView } from '@/lib/mail-trace/view';

function Time({ time }: { time: ShownTime }) {
  return <time dateTime={time.iso}>{time.text}</time>;
}

/** The stage in one sentence, then each moment the mail system handled the message. */
export function TraceResult({ lang, view }: { lang: Lang; view: TraceView }) {
  const t = mailTraceMessages(lang);
  return (
    <section aria-labelledby="trace-result-heading" data-testid="mail-trace-result" data-stage={view.found ? view.stage : 'not_seen'} role="status">
      <h2 id="trace-result-heading">{t.resultHeading}</h2>
      {!view.found ? (
        <>
          <p className="trace-stage">{t.notSeen}</p>
          <p>{t.notSeenHelp(t.retention)}</p>
        </>
      ) : (
        <>
          <p className="trace-stage">{t.stages[view.stage]}</p>
          <dl className="trace-times">
            <dt>{t.receivedAt}</dt>
            <dd>
              <Time time={view.receivedAt} />
            </dd>
            {view.scanSkipped ? (
              <>
                <dt>{t.scanEndedAt}</dt>
                <dd>{t.scanSkipped}</dd>
              </>
            ) : (
              <>
                {view.scanStartedAt && (
                  <>
                    <dt>{t.scanStartedAt}</dt>
                    <dd>
                      <Time time={view.scanStartedAt} />
                    </dd>
                  </>
                )}
                {view.scanEndedAt && (
                  <>
                    <dt>{t.scanEndedAt}</dt>
                    <dd>
                      <Time time={view.scanEndedAt} />
                    </dd>
                  </>
                )}
              </>
            )}
            {view.deferral && (
              <>
                <dt>{t.deferredAt}</dt>
                <dd>
                  <Time time={view.deferral.at} /> · {t.deferralReasons[view.deferral.reason]} ({t.attempts(view.deferral.attempts)})
                </dd>
                {view.deferral.nextAttemptAt && (
                  <>
                    <dt>{t.nextAttempt}</dt>
                    <dd>
                      <Time time={view.deferral.nextAttemptAt} />
                    </dd>
                  </>
                )}
              </>
            )}
            {view.deliveredAt && (
              <>
                <dt>{t.deliveredAt}</dt>
                <dd>
                  <Time time={view.deliveredAt} />
                  {view.delaySeconds !== null && <> ({t.delay(t.duration(view.delaySeconds))})</>}
                </dd>
              </>
            )}
            {!view.deliveredAt && view.finishedAt && (
              <>
                <dt>{t.finishedAt}</dt>
                <dd>
                  <Time time={view.finishedAt} />
                </dd>
              </>
            )}
          </dl>
        </>
      )}
    </section>
  );
}
