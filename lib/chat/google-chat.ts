import type { ChatNotice } from './notice';
import { escapeHtml, truncate } from './text';
import { TONES } from './tone';

// Google Chat's incoming-webhook message (https://developers.google.com/workspace/chat/quickstart/webhooks)
// with one card (cardsV2, https://developers.google.com/workspace/chat/api/reference/rest/v1/cards):
// a header, one section of widgets (textParagraph, decoratedText per fact, a buttonList with the
// link). Card text reads a small HTML subset, so plain text has &, <, > and " escaped. A message
// is at most 32,000 bytes: the body is cut well before that even in Japanese.

export const GOOGLE_CHAT_BODY_MAX = 6000;

export function googleChatMessage(n: ChatNotice) {
  const tone = TONES[n.tone];
  const headline = `${tone.emoji} ${n.title}`;
  const widgets: object[] = [];
  if (n.body.trim()) widgets.push({ textParagraph: { text: escapeHtml(truncate(n.body, GOOGLE_CHAT_BODY_MAX)) } });
  for (const f of n.facts) widgets.push({ decoratedText: { topLabel: escapeHtml(f.label), text: escapeHtml(f.value), wrapText: true } });
  widgets.push({ buttonList: { buttons: [{ text: n.link.label, onClick: { openLink: { url: n.link.url } } }] } });
  return {
    text: `${headline}\n${n.link.url}`,
    cardsV2: [{ cardId: `tayori-${n.kind}`, card: { header: { title: truncate(headline, 200), subtitle: n.footer }, sections: [{ widgets }] } }],
  };
}
