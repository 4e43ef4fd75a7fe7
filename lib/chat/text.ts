// Length limits count characters as the platforms do (UTF-16 code units for Slack, Discord and
// Teams' JSON, which is what JavaScript's length is); cutting never splits a surrogate pair.

/** `text` cut to at most `max` characters, ending in an ellipsis when cut. */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ellipsis.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // a high surrogate whose pair would be cut off
  return text.slice(0, end) + ellipsis;
}

/** Slack's three control characters (https://docs.slack.dev/messaging/formatting-message-text#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Google Chat's card text reads a small HTML subset (https://developers.google.com/workspace/chat/format-messages#card-formatting). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Discord reads markdown in embed descriptions and field values: plain text has its markers
 * escaped, except inside URLs (which Discord links by itself and a backslash would break).
 */
export function escapeDiscord(text: string): string {
  return text
    .split(/(https?:\/\/[^\s)]+)/)
    .map((part, i) => (i % 2 ? part : part.replace(/([\\*_~`|[\]])/g, '\\$1').replace(/^(\s*)([>#-])/gm, '$1\\$2')))
    .join('');
}
