import { describe, expect, it } from 'vitest';
import { checkTraceInput } from './input';

describe('checkTraceInput', () => {
  it('takes a Message-ID with or without brackets and an address, normalised', () => {
    expect(checkTraceInput({ messageId: ' <Ab.1@Example.COM> ', recipient: ' User1@Demo.Tayori.Test ' })).toEqual({ ok: true, messageId: 'Ab.1@example.com', recipient: 'user1@demo.tayori.test' });
  });

  it('needs both fields, and says what is wrong with each', () => {
    expect(checkTraceInput({ messageId: '', recipient: '' })).toEqual({ ok: false, errors: { messageId: 'required', recipient: 'required' } });
    expect(checkTraceInput({ messageId: 'abc@example.com', recipient: '' })).toEqual({ ok: false, errors: { recipient: 'required' } });
    expect(checkTraceInput({ messageId: 'no at sign', recipient: 'user1@demo.tayori.test' })).toEqual({ ok: false, errors: { messageId: 'invalid' } });
    expect(checkTraceInput({ messageId: 'abc@example.com', recipient: 'user1@demo.tayori.test\r\nBcc: x@y' })).toEqual({ ok: false, errors: { recipient: 'invalid' } });
  });

  it('refuses enormous values as too long', () => {
    expect(checkTraceInput({ messageId: `<${'a'.repeat(5_000_000)}@example.com>`, recipient: `${'b'.repeat(5_000_000)}@example.com` })).toEqual({ ok: false, errors: { messageId: 'too_long', recipient: 'too_long' } });
  });
});
