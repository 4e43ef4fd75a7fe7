'use client';

import { useActionState, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { localePath, type Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { registerWebhookAction, subscribeAction, type SubscribeFormState, type WebhookFormState } from '../actions';
import type { PickerValue } from './choice-summary';
import { ComponentPicker } from './component-picker';
import { SubscribeForm } from './subscribe-form';
import { WebhookForm } from './webhook-form';

export type Channel = 'email' | 'webhook';
const CHANNELS: Channel[] = ['email', 'webhook'];

const initialEmail: SubscribeFormState = { status: 'idle', errors: {}, email: '' };
const initialWebhook: WebhookFormState = { status: 'idle', errors: {}, url: '', format: 'statuspage' };

/**
 * The subscribe page's channels: Email, or Webhook / chat. Without script they are two links
 * (?channel=email|webhook, read by the page); with script, accessible tabs (arrow keys, Home, End)
 * that switch at once. One component picker, its choice kept across the channels, then the
 * chosen channel's own fields.
 */
export function SubscribeChannels({ lang, groups, initialChannel }: { lang: Lang; groups: ComponentGroupDto[]; initialChannel: Channel }) {
  const t = subscribeMessages(lang);
  const [emailState, emailAction, emailPending] = useActionState(subscribeAction, initialEmail);
  const [webhookState, webhookAction, webhookPending] = useActionState(registerWebhookAction, initialWebhook);
  // A form answered without script (a POST to the page) shows its own channel.
  const answered: Channel | null = webhookState.status !== 'idle' ? 'webhook' : emailState.status !== 'idle' ? 'email' : null;
  const [chosen, setChosen] = useState<Channel>(answered ?? initialChannel);
  const [picked, setPicked] = useState<PickerValue>({ all: true, components: [], groups: [] });
  const [live, setLive] = useState(false);
  useEffect(() => {
    setLive(true);
    // Older links (the webhook payloads' documentation link) point at #webhooks.
    if (window.location.hash === '#webhooks') setChosen('webhook');
  }, []);
  const tabs = useRef<Record<Channel, HTMLAnchorElement | null>>({ email: null, webhook: null });

  const href = (c: Channel) => `${localePath(lang, '/subscribe')}?channel=${c}`;
  const select = (c: Channel, focus: boolean) => {
    setChosen(c);
    window.history.replaceState(window.history.state, '', href(c));
    if (focus) tabs.current[c]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLAnchorElement>, c: Channel) => {
    const i = CHANNELS.indexOf(c);
    const to =
      e.key === 'ArrowRight' ? CHANNELS[(i + 1) % CHANNELS.length] : e.key === 'ArrowLeft' ? CHANNELS[(i + CHANNELS.length - 1) % CHANNELS.length] : e.key === 'Home' ? CHANNELS[0] : e.key === 'End' ? CHANNELS[CHANNELS.length - 1] : e.key === ' ' ? c : null;
    if (!to) return;
    e.preventDefault();
    select(to, true);
  };
  const label: Record<Channel, string> = { email: t.channelEmail, webhook: t.channelWebhook };
  const picker = (idPrefix: string, error?: string) => <ComponentPicker groups={groups} lang={lang} value={picked} onChange={setPicked} idPrefix={idPrefix} error={error} />;

  return (
    <div className="channels">
      <div className="channel-tabs" role={live ? 'tablist' : 'group'} aria-label={t.channelLabel}>
        {CHANNELS.map((c) => (
          <a
            key={c}
            id={`channel-tab-${c}`}
            href={href(c)}
            ref={(el) => {
              tabs.current[c] = el;
            }}
            role={live ? 'tab' : undefined}
            aria-selected={live ? c === chosen : undefined}
            aria-controls={live ? 'channel-panel' : undefined}
            aria-current={!live && c === chosen ? 'page' : undefined}
            tabIndex={live ? (c === chosen ? 0 : -1) : undefined}
            onClick={(e) => {
              e.preventDefault();
              select(c, false);
            }}
            onKeyDown={(e) => onKeyDown(e, c)}
          >
            {label[c]}
          </a>
        ))}
      </div>
      <div className="channel-panel" id="channel-panel" role={live ? 'tabpanel' : undefined} aria-labelledby={`channel-tab-${chosen}`}>
        {chosen === 'email' ? (
          <SubscribeForm lang={lang} state={emailState} action={emailAction} pending={emailPending} picker={picker('subscribe', emailState.errors.components && t.errors[emailState.errors.components])} />
        ) : (
          <>
            <p id="webhooks">{t.webhookIntro}</p>
            <WebhookForm lang={lang} state={webhookState} action={webhookAction} pending={webhookPending} picker={picker('webhook', webhookState.errors.components && t.errors[webhookState.errors.components])} />
          </>
        )}
      </div>
    </div>
  );
}
