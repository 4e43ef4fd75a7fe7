import type { ChatNotice } from './notice';
import { truncate } from './text';
import { TONES } from './tone';

// Microsoft Teams: the message a Workflows "post to a channel when a webhook request is received"
// flow (and an Office 365 connector) takes: one Adaptive Card attachment
// (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook).
// Version 1.4 is what Teams renders everywhere (desktop, web, mobile); the card is checked
// against the published schema (http://adaptivecards.io/schemas/adaptive-card.json) in tests.
// A whole message stays well under Teams' 28 KB.

export const TEAMS_BODY_MAX = 8000;

export function teamsMessage(n: ChatNotice) {
  const tone = TONES[n.tone];
  const headline = `${tone.emoji} ${n.title}`;
  const body: object[] = [{ type: 'TextBlock', text: headline, size: 'Large', weight: 'Bolder', wrap: true, color: capitalise(tone.teams) }];
  if (n.body.trim()) body.push({ type: 'TextBlock', text: truncate(n.body, TEAMS_BODY_MAX), wrap: true });
  if (n.facts.length) body.push({ type: 'FactSet', facts: n.facts.map((f) => ({ title: f.label, value: f.value })) });
  body.push({ type: 'TextBlock', text: n.footer, isSubtle: true, size: 'Small', wrap: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          lang: n.lang,
          fallbackText: `${headline} ${n.link.url}`,
          body,
          actions: [{ type: 'Action.OpenUrl', title: n.link.label, url: n.link.url, ...(n.kind === 'confirmation' ? { style: 'positive' } : {}) }],
        },
      },
    ],
  };
}

const capitalise = (s: string) => s[0]!.toUpperCase() + s.slice(1);
