import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../webhooks/post';
import { chatOutcome } from './answers';
import { isPlatformUrl, maskWebhookUrl } from './formats';

describe('chat platform URLs', () => {
  it('accepts the URLs each platform hands out for an incoming webhook', () => {
    expect(isPlatformUrl('slack', 'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdEFGHijklMNOPqrstUVWX')).toBe(true);
    expect(isPlatformUrl('discord', 'https://discord.com/api/webhooks/123456789012345678/AbC-dEf_123')).toBe(true);
    expect(isPlatformUrl('discord', 'https://discordapp.com/api/v10/webhooks/123456789012345678/token')).toBe(true);
    expect(isPlatformUrl('google_chat', 'https://chat.googleapis.com/v1/spaces/AAAAbCdEfGh/messages?key=AIzaSy-key&token=tok%3D')).toBe(true);
    expect(isPlatformUrl('teams', 'https://contoso.webhook.office.com/webhookb2/1234-5678@abcd/IncomingWebhook/0a1b/ef01')).toBe(true);
    expect(isPlatformUrl('teams', 'https://prod-27.westus.logic.azure.com:443/workflows/0a1b2c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=s1g')).toBe(true);
  });

  it("refuses another platform's URL, look-alike hosts, plain http and credentials", () => {
    const slack = 'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdEFGHijklMNOPqrstUVWX';
    expect(isPlatformUrl('discord', slack)).toBe(false);
    expect(isPlatformUrl('slack', 'https://discord.com/api/webhooks/1/x')).toBe(false);
    expect(isPlatformUrl('slack', slack.replace('https:', 'http:'))).toBe(false);
    expect(isPlatformUrl('slack', slack.replace('hooks.slack.com', 'hooks.slack.com.evil.example'))).toBe(false);
    expect(isPlatformUrl('slack', slack.replace('https://', 'https://user:pw@'))).toBe(false);
    expect(isPlatformUrl('slack', 'https://hooks.slack.com/triggers/T0/123/abc')).toBe(false); // a Workflow Builder trigger takes other bodies
    expect(isPlatformUrl('google_chat', 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k')).toBe(false);
    expect(isPlatformUrl('teams', 'https://evil.example/workflows/x?host=logic.azure.com')).toBe(false);
    expect(isPlatformUrl('teams', 'not a url')).toBe(false);
  });

  it('masks the secret parts of every URL it shows', () => {
    expect(maskWebhookUrl('https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdEFGHijklMNOPqrstUVWX')).toBe('https://hooks.slack.com/services/T…/B…/****');
    expect(maskWebhookUrl('https://discord.com/api/webhooks/123456789012345678/AbC-dEf_123')).toBe('https://discord.com/api/webhooks/1…/****');
    expect(maskWebhookUrl('https://chat.googleapis.com/v1/spaces/AAAAbCdEfGh/messages?key=AIzaSy-key&token=tok')).toBe('https://chat.googleapis.com/v1/spaces/A…/messages?key=****&token=****');
    const teams = maskWebhookUrl('https://prod-27.westus.logic.azure.com:443/workflows/0a1b2c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=s1g');
    expect(teams).toBe('https://prod-27.westus.logic.azure.com/workflows/0…/triggers/manual/paths/invoke?api-version=****&sp=****&sv=****&sig=****');
    for (const secret of ['abcdEFGH', 'AbC-dEf_123', 'AIzaSy', 's1g']) expect(teams + maskWebhookUrl('https://discord.com/api/webhooks/1/AbC-dEf_123')).not.toContain(secret);
  });
});

describe('platform answers', () => {
  it('treats 2xx as sent and a vanished webhook as dead, and nothing else', () => {
    expect(chatOutcome(200, 'ok')).toBe('sent');
    expect(chatOutcome(204, '')).toBe('sent');
    expect(chatOutcome(404, 'no_service')).toBe('dead');
    expect(chatOutcome(410, 'channel_is_archived')).toBe('dead');
    expect(chatOutcome(403, 'invalid_token')).toBe('dead');
    expect(chatOutcome(401, '{"message": "Invalid Webhook Token", "code": 50027}')).toBe('dead');
    expect(chatOutcome(403, 'action_prohibited')).toBe('other');
    expect(chatOutcome(429, '')).toBe('other');
    expect(chatOutcome(500, '')).toBe('other');
    expect(chatOutcome(null, '')).toBe('other');
  });

  it('reads Retry-After as seconds or a date, within an hour', () => {
    const now = Date.parse('2026-12-06T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Sun, 06 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('99999', now)).toBe(3600_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});
