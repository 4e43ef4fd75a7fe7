'use client';

import { useEffect, useState } from 'react';

/** A value shown once (a secret, a token): the whole value selects with one click, and a Copy button once script runs. */
export function CopyBox({ value, testId, copyLabel, copiedLabel, labelId }: { value: string; testId: string; copyLabel: string; copiedLabel: string; labelId: string }) {
  const [live, setLive] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setLive(typeof navigator !== 'undefined' && Boolean(navigator.clipboard)), []);
  return (
    <div className="copy-box">
      <code data-testid={testId}>{value}</code>
      {live && (
        <button
          type="button"
          className="secondary"
          aria-describedby={labelId}
          onClick={() =>
            navigator.clipboard.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? copiedLabel : copyLabel}
        </button>
      )}
    </div>
  );
}
