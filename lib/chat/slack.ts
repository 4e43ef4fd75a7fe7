import type { ChatNotice } from './notice';
import { escapeSlack, truncate } from './text';
import { TONES } from './tone';

// Slack's incoming-webhook message (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
// `text` is the notification's and old clients' fallback, `blocks` the Block Kit layout. Limits
// from https://docs.slack.dev/reference/block-kit/blocks: header text plain_text ≤ 150, section
// text ≤ 3000, context ≤ 10 elements, button text ≤ 75 and url ≤ 3000. mrkdwn text has &, < and >
// escaped (https://docs.slack.dev/messaging/formatting-message-text#escaping).

export const SLACK_LIMITS = { header: 150, section: 3000, contextElements: 10, contextText: 3000, buttonText: 75, buttonUrl: 3000, fallback: 4000 } as const;

export function slackMessage(n: ChatNotice) {
  const tone = TONES[n.tone];
  const headline = `${tone.emoji} ${n.title}`;
  const context = [...n.facts.map((f) => `*${escapeSlack(f.label)}:* ${escapeSlack(f.value)}`), escapeSlack(n.footer)]
    .slice(0, SLACK_LIMITS.contextElements)
    .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.contextText) }));
  const blocks: object[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(headline, SLACK_LIMITS.header), emoji: true } }];
  if (n.body.trim()) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(escapeSlack(n.body), SLACK_LIMITS.section) } });
  blocks.push({ type: 'context', elements: context });
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', action_id: 'open', text: { type: 'plain_text', text: truncate(n.link.label, SLACK_LIMITS.buttonText), emoji: true }, url: n.link.url, ...(n.kind === 'confirmation' ? { style: 'primary' } : {}) }],
  });
  return { text: truncate(escapeSlack(`${headline} ${n.link.url}`), SLACK_LIMITS.fallback), blocks };
}
