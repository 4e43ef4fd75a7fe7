import 'server-only';
import { env } from '../env';
import { localePath, type Lang } from '../i18n/locales';
import type { MailContent } from '../mime/content';
import { siteName, siteUrl } from '../site/identity';

// The two mails the subscribe form can cause. Both are sent whether the address was known or not,
// so that neither the page nor the timing tells a visitor anything about the address.

export function confirmationMail(lang: Lang, token: string): MailContent {
  const url = siteUrl(`${localePath(lang, '/subscribe/confirm')}?token=${encodeURIComponent(token)}`);
  const hours = env.NOTICE_CONFIRM_TTL_HOURS;
  if (lang === 'ja') {
    return {
      subject: `【確認】${siteName(lang)} 配信登録のご確認`,
      text: `${siteName(lang)}の障害・メンテナンス情報の配信登録を受け付けました。\n\n次のURLを開き、表示されるボタンを押して登録を完了してください(${hours}時間有効)。\n${url}\n\nお心当たりのない場合は、このメールを破棄してください。登録は行われません。\n`,
      html: `<p>${siteName(lang)}の障害・メンテナンス情報の配信登録を受け付けました。</p><p><a href="${url}">登録を完了する</a>(${hours}時間有効)</p><p>お心当たりのない場合は、このメールを破棄してください。登録は行われません。</p>`,
    };
  }
  return {
    subject: `[Confirm] Your ${siteName(lang)} subscription`,
    text: `We received a request to send incident and maintenance notices from ${siteName(lang)} to this address.\n\nOpen this link and press the button on the page to confirm (valid for ${hours} hours):\n${url}\n\nIf you did not ask for this, ignore this mail: nothing will be sent.\n`,
    html: `<p>We received a request to send incident and maintenance notices from ${siteName(lang)} to this address.</p><p><a href="${url}">Confirm the subscription</a> (valid for ${hours} hours)</p><p>If you did not ask for this, ignore this mail: nothing will be sent.</p>`,
  };
}

export function alreadySubscribedMail(lang: Lang, manageUrl: string): MailContent {
  if (lang === 'ja') {
    return {
      subject: `【ご案内】${siteName(lang)} 配信登録について`,
      // The same sentences in both parts: filters distrust an HTML part that says something else.
      text: `このアドレスはすでに配信登録されています。\n\n配信内容の変更・停止は、次のURLから行えます。\n${manageUrl}\n`,
      html: `<p>このアドレスはすでに配信登録されています。</p><p>配信内容の変更・停止は、次のURLから行えます。<br><a href="${manageUrl}">${manageUrl}</a></p>`,
    };
  }
  return {
    subject: `[Info] Your ${siteName(lang)} subscription`,
    text: `This address is already subscribed. Change or stop the notices here:\n${manageUrl}\n`,
    html: `<p>This address is already subscribed.</p><p><a href="${manageUrl}">Change or stop the notices</a></p>`,
  };
}
