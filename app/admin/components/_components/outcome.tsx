import type { ComponentAdminText } from '@/lib/i18n/admin-components';

const ERRORS = ['invalid', 'not_found', 'slug_taken', 'group_not_empty', 'has_history'] as const;

/** The result of the last change, from the address the action returned to (no JavaScript needed). */
export function Outcome({ outcome, t }: { outcome: { saved?: string; error?: string }; t: ComponentAdminText }) {
  const error = ERRORS.find((e) => e === outcome.error);
  if (error) {
    return (
      <p role="alert" className="error">
        {t[error]}
      </p>
    );
  }
  if (outcome.saved) return <p role="status">{t.saved}</p>;
  return null;
}
