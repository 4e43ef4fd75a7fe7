import { domainToASCII } from 'node:url';
import { LISTED_DOMAIN } from '#contracts/rollup-schema';

// What a customer types into the domain lookup, made into the name senders list (rollup-schema.ts
// LISTED_DOMAIN): lower case, IDN as punycode, no trailing dot. Nothing else is tried: a lookup
// answers for exactly one name, never for names like it.

/** More than a domain name and its surrounding blanks can be; longer input is refused unread. */
export const MAX_DOMAIN_INPUT = 300;

export type DomainInputProblem = 'empty' | 'too_long' | 'malformed';

export type NormalisedDomain = { ok: true; domain: string } | { ok: false; problem: DomainInputProblem };

export function normaliseDomain(raw: string): NormalisedDomain {
  if (raw.length > MAX_DOMAIN_INPUT) return { ok: false, problem: 'too_long' };
  let name = raw.trim();
  // An address pasted whole: the domain is what follows the last "@".
  if (name.includes('@')) name = name.slice(name.lastIndexOf('@') + 1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (!name) return { ok: false, problem: 'empty' };
  // Anything but letters (any script), digits, "-", "." and "_" is no part of a host name; the URL
  // parser behind domainToASCII would otherwise quietly drop or map some of it.
  if (!/^[\p{L}\p{M}\p{N}._-]+$/u.test(name)) return { ok: false, problem: 'malformed' };
  if (name.length > 253) return { ok: false, problem: 'too_long' };
  const ascii = domainToASCII(name.toLowerCase());
  if (ascii.length > 253) return { ok: false, problem: 'too_long' };
  if (!ascii || !LISTED_DOMAIN.test(ascii)) return { ok: false, problem: 'malformed' };
  return { ok: true, domain: ascii };
}
