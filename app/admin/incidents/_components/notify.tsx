'use client';

import { useEffect, useRef, useState } from 'react';
import type { NoticePreview } from '@/lib/notices/preview';
import type { NoticeProgressDto } from '@/lib/notices/progress';
import { previewNoticeAction } from '../actions';

export interface NotifyText {
  notify: string;
  showNotice: string;
  /** With {total}, {ja} and {en} placeholders. */
  recipients: string;
}

/** "Notify subscribers", with the exact notice per language and the recipient count before confirming. */
export function NotifyChoice({ t, defaultChecked = true }: { t: NotifyText; defaultChecked?: boolean }) {
  const [preview, setPreview] = useState<NoticePreview | { error: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const show = async () => {
    const form = ref.current?.closest('form');
    if (!form) return;
    setBusy(true);
    try {
      setPreview(await previewNoticeAction(new FormData(form)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div ref={ref} className="notify-choice">
      <label>
        <input type="checkbox" name="notify" value="yes" defaultChecked={defaultChecked} /> {t.notify}
      </label>{' '}
      <button type="button" className="secondary" onClick={show} disabled={busy}>
        {t.showNotice}
      </button>
      {preview && 'error' in preview && <p className="field-error">{preview.error}</p>}
      {preview && 'mail' in preview && (
        <div className="notice-preview" data-notice-preview aria-live="polite">
          <p>
            <strong data-recipients={preview.recipients.ja + preview.recipients.en}>{t.recipients
                .replace('{total}', String(preview.recipients.ja + preview.recipients.en))
                .replace('{ja}', String(preview.recipients.ja))
                .replace('{en}', String(preview.recipients.en))}</strong>
          </p>
          <div className="two-col">
            {(['ja', 'en'] as const).map((lang) => (
              <div key={lang} lang={lang}>
                <p>
                  <strong data-subject={lang}>{preview.mail[lang].subject}</strong>
                </p>
                {/* The text part as sent (CRLF line ends), and the HTML part in a sandbox that runs nothing. */}
                <pre className="notice-text" data-notice-text={lang}>
                  {preview.mail[lang].text}
                </pre>
                <iframe className="notice-html" data-notice-html={lang} title={preview.mail[lang].subject} sandbox="" srcDoc={preview.mail[lang].html} />
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

/** Live progress of a notice's fan-out. */
export function NoticeProgress({
  noticeId,
  initial,
  labels,
}: {
  noticeId: string;
  initial: NoticeProgressDto;
  labels: Record<'pending' | 'sent' | 'failed' | 'hardBounces' | 'softBounces' | 'complaints', string>;
}) {
  const [p, setP] = useState(initial);
  const done = p.pending + p.sending === 0;
  useEffect(() => {
    // Once every copy has left, bounces and complaints still come back for a while: looked for less often.
    const timer = setInterval(async () => {
      const res = await fetch(`/admin/notices/${noticeId}/progress`, { cache: 'no-store' });
      if (res.ok) setP(await res.json());
    }, done ? 30_000 : 2000);
    return () => clearInterval(timer);
  }, [noticeId, done]);
  const total = p.pending + p.sending + p.sent + p.failed + p.skipped;
  return (
    <div className="notice-progress" data-notice={noticeId}>
      <p>
        <strong>{p.subjectJa}</strong>
      </p>
      <progress max={Math.max(total, 1)} value={p.sent + p.failed + p.skipped} />
      <p>
        <span data-count="pending">{labels.pending}: {p.pending + p.sending}</span> · <span data-count="sent">{labels.sent}: {p.sent}</span> ·{' '}
        <span data-count="failed">{labels.failed}: {p.failed}</span>
      </p>
      <p className="notice-bounces">
        <span data-count="bounced">{labels.hardBounces}: {p.bounces.hard}</span> · <span data-count="soft-bounced">{labels.softBounces}: {p.bounces.soft}</span> ·{' '}
        <span data-count="complaints">{labels.complaints}: {p.bounces.complaints}</span>
      </p>
    </div>
  );
}
