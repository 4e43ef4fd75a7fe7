// A message's Message-ID as the MTA records it and as a customer types it into the mail trace page:
// one reading for both sides, so that what the MTA stored is found by what the customer copied from
// their mail client (with or without the angle brackets, with spaces around it).
//
// RFC 5322 §3.6.4: msg-id = "<" id-left "@" id-right ">", id-left a dot-atom-text, id-right a
// dot-atom-text or a no-fold-literal ("[" dtext "]"); a header line is at most 998 characters.

/** RFC 5322 §2.1.1: no line of a message, so no Message-ID, is longer. */
export const MAX_MESSAGE_ID = 998;

export type MessageIdError = 'required' | 'too_long' | 'invalid';

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_ATOM_TEXT = `${ATEXT}+(?:\\.${ATEXT}+)*`;
// dtext: printable US-ASCII except "[", "]" and "\".
const NO_FOLD_LITERAL = '\\[[\\x21-\\x5a\\x5e-\\x7e]*\\]';
const MSG_ID = new RegExp(`^(${DOT_ATOM_TEXT})@(${DOT_ATOM_TEXT}|${NO_FOLD_LITERAL})$`);

/**
 * The canonical form of a Message-ID: without the angle brackets, the id-right (a domain name or a
 * literal) in lower case. The id-left keeps its case: RFC 5322 compares it exactly.
 */
export function parseMessageId(raw: string): { ok: true; value: string } | { ok: false; error: MessageIdError } {
  if (raw.length > MAX_MESSAGE_ID + 64) return { ok: false, error: 'too_long' };
  let value = raw.trim();
  if (!value) return { ok: false, error: 'required' };
  if (value.length > MAX_MESSAGE_ID) return { ok: false, error: 'too_long' };
  if (value.startsWith('<') !== value.endsWith('>')) return { ok: false, error: 'invalid' };
  if (value.startsWith('<')) value = value.slice(1, -1).trim();
  const match = MSG_ID.exec(value);
  if (!match) return { ok: false, error: 'invalid' };
  return { ok: true, value: `${match[1]}@${match[2]!.toLowerCase()}` };
}

/**
 * The Message-ID in a message's header block (latin1 text of the headers), canonical, or undefined
 * when there is none that fits RFC 5322 (such a message cannot be looked up). The first msg-id of
 * the first Message-ID field counts; comments and folding around it are dropped.
 */
export function messageIdFromHeaders(headers: string): string | undefined {
  const field = /^Message-ID:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(headers);
  if (!field) return undefined;
  const unfolded = field[1]!.replace(/\r?\n[ \t]+/g, ' ').slice(0, MAX_MESSAGE_ID);
  const bracketed = /<([^<>]*)>/.exec(unfolded);
  const candidate = bracketed ? bracketed[1]! : unfolded.replace(/\([^()]*\)/g, '');
  const parsed = parseMessageId(candidate);
  return parsed.ok ? parsed.value : undefined;
}
