import { localePath, type Lang } from '@/lib/i18n/locales';
import type { DomainLookupMessages } from '@/lib/i18n/domain-lookup-messages';

// One field and a GET form: the answer is a page of its own that works without JavaScript. No
// suggestions of any kind (autocomplete off, no datalist): the site never names a domain first.
export function DomainForm({ lang, t, value, error }: { lang: Lang; t: DomainLookupMessages; value: string; error: string | null }) {
  return (
    <form method="get" action={localePath(lang, '/mail/domain')} className="subscribe-form" role="search" data-testid="domain-form">
      <div className="field">
        <label htmlFor="domain-input">{t.label}</label>
        <input
          id="domain-input"
          name="domain"
          type="text"
          inputMode="url"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          required
          maxLength={300}
          defaultValue={value}
          aria-describedby={error ? 'domain-hint domain-error' : 'domain-hint'}
          aria-invalid={error ? true : undefined}
        />
        <p id="domain-hint" className="hint">
          {t.hint}
        </p>
        {error && (
          <p id="domain-error" className="field-error" role="alert" data-testid="domain-error">
            {error}
          </p>
        )}
      </div>
      <div>
        <button type="submit">{t.submit}</button>
      </div>
    </form>
  );
}
