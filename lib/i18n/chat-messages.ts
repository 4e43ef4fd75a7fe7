import type { Lang } from './locales';

// Words of chat-channel messages (lib/chat) and of the chat choices on the subscribe page's
// webhook form, both languages side by side.

const pair = <T>(ja: T, en: T): Record<Lang, T> => ({ ja, en });

export const CHAT_WORDS = {
  status: pair('状況', 'Status'),
  impact: pair('影響度', 'Impact'),
  components: pair('対象サービス', 'Affected services'),
  period: pair('期間', 'Period'),
  openIncident: pair('障害情報を見る', 'View incident'),
  openMaintenance: pair('メンテナンス情報を見る', 'View maintenance'),
  confirmTitle: pair('通知の受信を確認してください', 'Confirm to start receiving notices'),
  confirmBody: pair(
    'このチャンネルを障害・メンテナンス通知の送り先として登録する申し込みがありました。受信を始めるには下のボタンから確認ページを開き、「確認する」を押してください。心当たりがなければ何もしないでください(24時間で無効になります)。',
    'Someone asked to send incident and maintenance notices to this channel. To start receiving them, open the confirmation page below and press the button. If you did not ask for this, do nothing: the request expires in 24 hours.',
  ),
  confirmButton: pair('クリックして通知の受信を始める', 'Click to start receiving notices'),
  maintenancePeriod: (lang: Lang, from: string, to: string) => (lang === 'ja' ? `${from} 〜 ${to}` : `${from} to ${to}`),
} as const;

/** The subscribe page's words for the format choice and chat-only results. */
export const CHAT_FORM_WORDS = {
  formatLabel: pair('送信形式', 'Format'),
  formats: {
    statuspage: pair('Statuspage 互換 JSON(署名付き)', 'Statuspage JSON (signed)'),
    slack: pair('Slack', 'Slack'),
    teams: pair('Microsoft Teams', 'Microsoft Teams'),
    discord: pair('Discord', 'Discord'),
    google_chat: pair('Google Chat', 'Google Chat'),
  },
  formatHint: pair(
    'チャットの場合は、そのサービスで作成した Incoming Webhook の URL を入力してください。最初に確認用のメッセージが届きます。',
    'For a chat channel, enter the incoming-webhook URL the platform gave you. A confirmation message arrives there first.',
  ),
  chatRegistered: pair(
    'チャンネルに確認用のメッセージを送りました。メッセージのボタンから確認すると通知が届き始めます。登録の削除に使う管理トークンは今回だけ表示します。',
    'A confirmation message is on its way to the channel: confirm from its button to start receiving notices. The management token below, used to remove the channel, is shown only this once.',
  ),
  notPlatformUrl: {
    slack: pair('Slack の Incoming Webhook の URL(https://hooks.slack.com/services/…)を入力してください。', 'Enter a Slack incoming-webhook URL (https://hooks.slack.com/services/…).'),
    teams: pair(
      'Microsoft Teams の Webhook の URL(Workflows の …logic.azure.com/workflows/… または …webhook.office.com/webhookb2/…)を入力してください。',
      'Enter a Microsoft Teams webhook URL (a Workflows …logic.azure.com/workflows/… URL or …webhook.office.com/webhookb2/…).',
    ),
    discord: pair('Discord の Webhook の URL(https://discord.com/api/webhooks/…)を入力してください。', 'Enter a Discord webhook URL (https://discord.com/api/webhooks/…).'),
    google_chat: pair(
      'Google Chat の Webhook の URL(https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…)を入力してください。',
      'Enter a Google Chat webhook URL (https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…).',
    ),
  },
} as const;
