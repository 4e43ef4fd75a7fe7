import type { ChatNotice } from './notice';
import { escapeDiscord, truncate } from './text';
import { colourNumber, TONES } from './tone';

// Discord's execute-webhook body (https://discord.com/developers/docs/resources/webhook#execute-webhook)
// with one embed. Embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
// title 256, description 4096, 25 fields, field name 256 and value 1024, footer 2048, and 6000
// characters over all of them together. Mentions are never parsed: a notice never pings anyone.

export const DISCORD_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

export function discordMessage(n: ChatNotice) {
  const tone = TONES[n.tone];
  const title = truncate(`${tone.emoji} ${n.title}`, DISCORD_LIMITS.title);
  const fields = n.facts.slice(0, DISCORD_LIMITS.fields).map((f) => ({
    name: truncate(f.label, DISCORD_LIMITS.fieldName),
    value: truncate(escapeDiscord(f.value), DISCORD_LIMITS.fieldValue),
    inline: f.value.length <= 40,
  }));
  const footer = truncate(n.footer, DISCORD_LIMITS.footer);
  // The link stays whole at the end of the description; the body gives way to fit the limits.
  const link = `[${escapeDiscord(n.link.label)}](${n.link.url})`;
  const others = title.length + footer.length + fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const room = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - others) - link.length - 2;
  const body = n.body.trim() ? truncate(escapeDiscord(n.body), Math.max(0, room)) : '';
  const description = body ? `${body}\n\n${link}` : link;
  return {
    allowed_mentions: { parse: [] },
    embeds: [{ title, url: n.link.url, description, color: colourNumber(tone.colour), fields, timestamp: n.at, footer: { text: footer } }],
  };
}
