import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_ID, messageIdFromHeaders, parseMessageId } from './message-id';

describe('parseMessageId', () => {
  it('reads a Message-ID with or without angle brackets and spaces, the domain part in lower case', () => {
    for (const typed of ['<CAF=x1.2@Mail.Example.COM>', 'CAF=x1.2@Mail.Example.COM', '  <CAF=x1.2@mail.example.com>\t']) {
      expect(parseMessageId(typed)).toEqual({ ok: true, value: 'CAF=x1.2@mail.example.com' });
    }
    expect(parseMessageId('<abc@[192.0.2.1]>')).toEqual({ ok: true, value: 'abc@[192.0.2.1]' });
  });

  it('refuses what is not a msg-id, saying why', () => {
    expect(parseMessageId('   ')).toEqual({ ok: false, error: 'required' });
    for (const bad of ['no-at-sign', '<a@b', 'a@b>', 'a b@example.com', 'a@b@c', '.a@example.com', 'a..b@example.com', '<a@example.com><b@example.com>', 'a@exa mple.com', 'a@b\r\nBcc: x@y']) {
      expect(parseMessageId(bad), bad).toEqual({ ok: false, error: 'invalid' });
    }
    const longest = `<${'a'.repeat(MAX_MESSAGE_ID - 14)}@example.com>`;
    expect(longest).toHaveLength(MAX_MESSAGE_ID);
    expect(parseMessageId(longest).ok).toBe(true);
    expect(parseMessageId(`<${'a'.repeat(MAX_MESSAGE_ID - 13)}@example.com>`)).toEqual({ ok: false, error: 'too_long' });
    expect(parseMessageId('a'.repeat(1_000_000))).toEqual({ ok: false, error: 'too_long' });
  });
});

describe('messageIdFromHeaders', () => {
  it('finds the Message-ID field whatever its case, folded or with a comment', () => {
    expect(messageIdFromHeaders('Subject: hi\r\nmessage-id: <X.1@Example.ORG>\r\nFrom: a@b')).toBe('X.1@example.org');
    expect(messageIdFromHeaders('Message-ID:\r\n <folded@example.org> (sent by a gateway)\r\n')).toBe('folded@example.org');
    expect(messageIdFromHeaders('Subject: no id\r\n')).toBeUndefined();
    expect(messageIdFromHeaders('Message-ID: <not an id>\r\n')).toBeUndefined();
  });
});
