// What a chat platform's answer to a POST means for the delivery and the channel. Success is any
// 2xx (Slack answers 200 "ok", Discord 204, Google Chat 200 with the message, Teams Workflows 202).
// A webhook that no longer exists is dead for good, and the channel is disabled: Slack answers 404
// "no_service" or "channel_not_found", 410 "channel_is_archived", 403 "invalid_token"
// (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling_errors);
// Discord 404 "Unknown Webhook" (code 10015) or 401 "Invalid Webhook Token" (code 50027);
// Google Chat and Teams 404. Anything else follows the webhook retry rule.

export type ChatOutcome = 'sent' | 'dead' | 'other';

const DEAD_ANSWERS = /invalid_token|no_service|channel_is_archived|Invalid Webhook Token|Unknown Webhook/i;

export function chatOutcome(status: number | null, answer: string): ChatOutcome {
  if (status === null) return 'other';
  if (status >= 200 && status < 300) return 'sent';
  if (status === 404 || status === 410) return 'dead';
  if ((status === 401 || status === 403) && DEAD_ANSWERS.test(answer)) return 'dead';
  return 'other';
}
