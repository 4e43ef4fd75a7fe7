import { z } from 'zod';
import { LANGS } from '../i18n/locales';

// Input checks shared by the forms, the route handlers and the worker. Everything that ends up in
// a mail header is refused if it carries CR or LF, so no input can add a header.

/** RFC 5321 §4.5.3.1: local part ≤ 64 octets, domain ≤ 255, a path (address) ≤ 254 in practice. */
export const MAX_LOCAL_PART = 64;
export const MAX_DOMAIN = 255;
export const MAX_ADDRESS = 254;

export type EmailError = 'required' | 'too_long' | 'header_injection' | 'invalid';

const octets = (s: string) => Buffer.byteLength(s, 'utf8');

/** Checks an address and returns it normalised (trimmed, lower-cased) or the reason it is refused. */
export function checkEmail(raw: string): { ok: true; email: string } | { ok: false; error: EmailError } {
  if (/[\r\n]/.test(raw)) return { ok: false, error: 'header_injection' };
  const email = raw.trim().toLowerCase();
  if (!email) return { ok: false, error: 'required' };
  if (octets(email) > MAX_ADDRESS) return { ok: false, error: 'too_long' };
  const at = email.lastIndexOf('@');
  if (at < 1) return { ok: false, error: 'invalid' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (octets(local) > MAX_LOCAL_PART || octets(domain) > MAX_DOMAIN) return { ok: false, error: 'too_long' };
  // Dot-atom local part and a dotted host name: what subscribers type, without quoted-string oddities.
  if (!/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) return { ok: false, error: 'invalid' };
  if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(domain)) return { ok: false, error: 'invalid' };
  return { ok: true, email };
}

export const langSchema = z.enum(LANGS);

/** The subscribe form: "all" or a list of component and group slugs. */
export const subscriptionChoiceSchema = z.object({
  lang: langSchema,
  all: z.boolean(),
  components: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).max(200),
  groups: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).max(50),
});
export type SubscriptionChoice = z.infer<typeof subscriptionChoiceSchema>;

/** Reads the component choice of a submitted form (checkboxes named "component" and "group"). */
export function choiceFromForm(form: FormData, lang: string): SubscriptionChoice | null {
  const components = form.getAll('component').map(String);
  const groups = form.getAll('group').map(String);
  const parsed = subscriptionChoiceSchema.safeParse({
    lang,
    all: form.get('scope') !== 'chosen',
    components,
    groups,
  });
  return parsed.success ? parsed.data : null;
}

/** A header-bound free text (a display name, a subject part): no line breaks, bounded length. */
export function isHeaderSafe(value: string, max = 200): boolean {
  return !/[\r\n]/.test(value) && value.length <= max;
}
