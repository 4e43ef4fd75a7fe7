import { discordMessage } from './discord';
import type { ChatFormat } from './formats';
import { googleChatMessage } from './google-chat';
import type { ChatNotice } from './notice';
import { slackMessage } from './slack';
import { teamsMessage } from './teams';

const BUILDERS: Record<ChatFormat, (n: ChatNotice) => object> = { slack: slackMessage, teams: teamsMessage, discord: discordMessage, google_chat: googleChatMessage };

/** The JSON body a chat platform's incoming webhook takes for `notice`. */
export function chatMessageBody(format: ChatFormat, notice: ChatNotice): string {
  return JSON.stringify(BUILDERS[format](notice));
}
