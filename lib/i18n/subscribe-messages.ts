import type { Lang } from './locales';

// Strings of the subscribe, manage and unsubscribe pages, kept apart from the status pages'.

export type SubscribeErrorCode =
  | 'required'
  | 'too_long'
  | 'header_injection'
  | 'invalid'
  | 'rate_limited'
  | 'unknown_component'
  | 'no_component'
  | 'invalid_url'
  | 'not_http'
  | 'credentials'
  | 'forbidden_address';

export interface SubscribeMessages {
  title: string;
  intro: string;
  subscribeLink: string;
  emailHeading: string;
  emailLabel: string;
  emailHint: string;
  languageLabel: string;
  scopeLegend: string;
  scopeAll: string;
  scopeChosen: string;
  groupAll: (group: string) => string;
  submit: string;
  sent: string;
  errors: Record<SubscribeErrorCode, string>;
  confirmTitle: string;
  confirmQuestion: string;
  confirmButton: string;
  confirmed: string;
  alreadyConfirmed: string;
  confirmInvalid: string;
  confirmExpired: string;
  manageLink: string;
  manageTitle: string;
  manageIntro: (email: string) => string;
  save: string;
  saved: string;
  linkInvalid: string;
  unsubscribeTitle: string;
  unsubscribeQuestion: (email: string) => string;
  unsubscribeButton: string;
  unsubscribed: string;
  feedsHeading: string;
  feedsIntro: string;
  webhookHeading: string;
  webhookIntro: string;
  webhookUrlLabel: string;
  webhookSubmit: string;
  webhookRegistered: string;
  webhookSecretLabel: string;
  webhookManageLabel: string;
  channelLabel: string;
  channelEmail: string;
  channelWebhook: string;
  pickerHint: string;
  chosenCount: (components: number, groups: number) => string;
  groupChosenCount: (chosen: number, total: number) => string;
  groupWhole: string;
  wholeGroup: (group: string) => string;
  sentHeading: string;
  subscribeAnother: string;
  webhookRegisteredHeading: string;
  webhookNext: string;
  chatRegisteredHeading: string;
  shownOnce: string;
  copy: string;
  copied: string;
  registerAnother: string;
  followingHeading: string;
  savedHeading: string;
  unsubscribedHeading: string;
  subscribeAgain: string;
}

const ja: SubscribeMessages = {
  title: '障害・メンテナンス情報の配信登録',
  intro: '障害の発生・続報・復旧、障害報告とお詫び、メンテナンスのお知らせをメールでお届けします。',
  subscribeLink: 'メールで受け取る',
  emailHeading: 'メールで受け取る',
  emailLabel: 'メールアドレス',
  emailHint: '確認メールをお送りします。メール内のリンクを開き、ボタンを押すと登録が完了します。',
  languageLabel: 'お知らせの言語',
  scopeLegend: '受け取るサービス',
  scopeAll: 'すべてのサービス(今後追加されるサービスを含む)',
  scopeChosen: '選んだサービスのみ',
  groupAll: (group) => `${group}のすべて(今後追加分を含む)`,
  submit: '登録する',
  sent: '確認メールをお送りしました。メール内のリンクを開き、ボタンを押して登録を完了してください。(すでに登録済みの場合は、配信設定のご案内をお送りします。)',
  errors: {
    required: 'メールアドレスを入力してください。',
    too_long: 'メールアドレスが長すぎます(254文字まで、@の前は64文字まで)。',
    header_injection: 'メールアドレスに改行は使えません。',
    invalid: 'メールアドレスの形式が正しくありません。',
    rate_limited: '短時間に多くのお申し込みがありました。しばらくしてからお試しください。',
    unknown_component: '存在しないサービスが指定されました。',
    no_component: 'サービスを1つ以上選んでください。',
    invalid_url: 'URLの形式が正しくありません。',
    not_http: 'http:// または https:// のURLを入力してください。',
    credentials: 'URLにユーザー名やパスワードは含められません。',
    forbidden_address: 'このアドレス(ローカル・プライベートネットワーク)には送信できません。',
  },
  confirmTitle: '配信登録の確認',
  confirmQuestion: '下のボタンを押すと配信登録が完了します。',
  confirmButton: '登録を完了する',
  confirmed: '登録が完了しました。今後、障害やメンテナンスのお知らせをお送りします。',
  alreadyConfirmed: 'この配信登録はすでに完了しています。',
  confirmInvalid: 'このリンクは無効か、すでに使用されています。',
  confirmExpired: 'このリンクは有効期限が切れています。もう一度お申し込みください。',
  manageLink: '配信設定を変更する',
  manageTitle: '配信設定',
  manageIntro: (email) => `${email} 宛の配信設定です。`,
  save: '保存する',
  saved: '配信設定を保存しました。',
  linkInvalid: 'このリンクは無効です。お届けした最新のメールのリンクをお使いください。',
  unsubscribeTitle: '配信停止',
  unsubscribeQuestion: (email) => `${email} へのお知らせの配信を停止しますか?`,
  unsubscribeButton: '配信を停止する',
  unsubscribed: '配信を停止しました。今後お知らせはお送りしません。',
  feedsHeading: 'RSS・Atom',
  feedsIntro: 'フィードリーダーで受け取ることもできます。',
  webhookHeading: 'Webhook',
  webhookIntro: 'Statuspage互換のJSONを指定のURLへPOSTします。登録後、URLに届く確認リクエストの confirm_url にPOSTすると(ブラウザで開いてボタンを押しても)有効になります。署名は X-Tayori-Signature ヘッダー(HMAC-SHA256)で検証できます。',
  webhookUrlLabel: 'Webhook URL',
  webhookSubmit: 'Webhookを登録する',
  webhookRegistered: 'Webhookを登録しました。以下の値はこの画面でのみ表示されます。',
  webhookSecretLabel: '署名用シークレット',
  webhookManageLabel: '削除用トークン',
  channelLabel: '受け取り方',
  channelEmail: 'メール',
  channelWebhook: 'Webhook・チャット',
  pickerHint: '「選んだサービスのみ」を選ぶと一覧が開きます。グループにチェックを入れると、そのグループに今後追加されるサービスのお知らせも届きます。',
  chosenCount: (components, groups) =>
    components + groups === 0 ? 'まだ何も選ばれていません。' : `選択中: ${[groups ? `グループ ${groups}件` : '', components ? `サービス ${components}件` : ''].filter(Boolean).join('、')}`,
  groupChosenCount: (chosen, total) => `${chosen}/${total}件を選択`,
  groupWhole: 'グループ全体を選択',
  wholeGroup: (group) => `${group}(グループ全体、今後追加分を含む)`,
  sentHeading: '受信箱を確認してください',
  subscribeAnother: '別のアドレスを登録する',
  webhookRegisteredHeading: 'Webhookを登録しました',
  webhookNext:
    'エンドポイントに確認リクエスト(subscription_confirmation)をPOSTしました。その中の confirm_url にPOSTする(またはブラウザで開いてボタンを押す)と、お知らせの送信が始まります。',
  chatRegisteredHeading: 'チャンネルを登録しました',
  shownOnce: '以下の値はこの画面でのみ表示されます。今すぐ控えてください。',
  copy: 'コピー',
  copied: 'コピーしました',
  registerAnother: '別の送り先を登録する',
  followingHeading: '現在の配信対象',
  savedHeading: '保存しました',
  unsubscribedHeading: '配信を停止しました',
  subscribeAgain: 'もう一度登録する',
};

const en: SubscribeMessages = {
  title: 'Subscribe to incident and maintenance notices',
  intro: 'Get an email when an incident starts, as it develops and when it is resolved, the report and apology afterwards, and maintenance notices.',
  subscribeLink: 'Subscribe by email',
  emailHeading: 'By email',
  emailLabel: 'Email address',
  emailHint: 'We will send a confirmation mail; open its link and press the button to complete the subscription.',
  languageLabel: 'Language of the notices',
  scopeLegend: 'Services',
  scopeAll: 'All services (including services added later)',
  scopeChosen: 'Only the services I choose',
  groupAll: (group) => `All of ${group} (including services added later)`,
  submit: 'Subscribe',
  sent: 'We sent a confirmation mail. Open its link and press the button to complete the subscription. (If the address is already subscribed, the mail explains how to change it.)',
  errors: {
    required: 'Enter your email address.',
    too_long: 'The address is too long (254 characters at most, 64 before the @).',
    header_injection: 'An email address cannot contain line breaks.',
    invalid: 'This is not a valid email address.',
    rate_limited: 'Too many requests in a short time. Please try again later.',
    unknown_component: 'One of the chosen services does not exist.',
    no_component: 'Choose at least one service.',
    invalid_url: 'This is not a valid URL.',
    not_http: 'Enter an http:// or https:// URL.',
    credentials: 'The URL cannot contain a user name or password.',
    forbidden_address: 'Notifications cannot be sent to local or private network addresses.',
  },
  confirmTitle: 'Confirm your subscription',
  confirmQuestion: 'Press the button below to complete your subscription.',
  confirmButton: 'Confirm the subscription',
  confirmed: 'You are subscribed. We will send you incident and maintenance notices.',
  alreadyConfirmed: 'This subscription is already confirmed.',
  confirmInvalid: 'This link is not valid or has already been used.',
  confirmExpired: 'This link has expired. Please subscribe again.',
  manageLink: 'Change your subscription',
  manageTitle: 'Your subscription',
  manageIntro: (email) => `Notices sent to ${email}.`,
  save: 'Save',
  saved: 'Your subscription was saved.',
  linkInvalid: 'This link is not valid. Use the link in the latest mail we sent you.',
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeQuestion: (email) => `Stop sending notices to ${email}?`,
  unsubscribeButton: 'Unsubscribe',
  unsubscribed: 'You are unsubscribed. We will not send you any more notices.',
  feedsHeading: 'RSS and Atom',
  feedsIntro: 'You can also follow the incident history in a feed reader.',
  webhookHeading: 'Webhook',
  webhookIntro: 'We POST Statuspage-compatible JSON to your URL. After registering, POST to the confirm_url of the confirmation request sent to it (or open it in a browser and press the button). Verify each request with the X-Tayori-Signature header (HMAC-SHA256).',
  webhookUrlLabel: 'Webhook URL',
  webhookSubmit: 'Register the webhook',
  webhookRegistered: 'The webhook is registered. These values are shown only once.',
  webhookSecretLabel: 'Signing secret',
  webhookManageLabel: 'Removal token',
  channelLabel: 'How to receive notices',
  channelEmail: 'Email',
  channelWebhook: 'Webhook or chat',
  pickerHint: 'Pick "Only the services I choose" to open the list. A ticked group also brings notices of services added to it later.',
  chosenCount: (components, groups) =>
    components + groups === 0
      ? 'Nothing chosen yet.'
      : `Chosen: ${[groups ? `${groups} ${groups === 1 ? 'group' : 'groups'}` : '', components ? `${components} ${components === 1 ? 'service' : 'services'}` : ''].filter(Boolean).join(' and ')}`,
  groupChosenCount: (chosen, total) => `${chosen} of ${total} chosen`,
  groupWhole: 'whole group',
  wholeGroup: (group) => `${group} (the whole group, including services added later)`,
  sentHeading: 'Check your inbox',
  subscribeAnother: 'Subscribe another address',
  webhookRegisteredHeading: 'Webhook registered',
  webhookNext:
    'We POSTed a confirmation request (subscription_confirmation) to your endpoint. POST to its confirm_url (or open it in a browser and press the button) and notices start.',
  chatRegisteredHeading: 'Channel registered',
  shownOnce: 'These values are shown only on this screen: copy them now.',
  copy: 'Copy',
  copied: 'Copied',
  registerAnother: 'Register another endpoint',
  followingHeading: 'You currently follow',
  savedHeading: 'Saved',
  unsubscribedHeading: 'You are unsubscribed',
  subscribeAgain: 'Subscribe again',
};

export function subscribeMessages(lang: Lang): SubscribeMessages {
  return lang === 'ja' ? ja : en;
}
