import { describe, expect, it } from '@jest/globals';
import { AttachmentPolicy } from './attachment-policy.js';

describe('AttachmentPolicy', () => {
  const policy = new AttachmentPolicy(1000, ['application/pdf', 'image/*', 'Text/Plain']);

  it('accepts listed types and families, whatever the case and parameters', () => {
    expect(policy.refusalOf('a.pdf', 'application/pdf', 1000)).toBeUndefined();
    expect(policy.refusalOf('a.png', 'IMAGE/PNG', 10)).toBeUndefined();
    expect(policy.refusalOf('a.txt', 'text/plain; charset=utf-8', 10)).toBeUndefined();
  });

  it('refuses other types and files over the limit, saying which and why', () => {
    expect(policy.refusalOf('run.exe', 'application/x-msdownload', 10)).toEqual({
      reason: 'attachment_type_not_allowed',
      message: 'attachment "run.exe" is of type application/x-msdownload, which is not accepted',
    });
    expect(policy.refusalOf('big.pdf', 'application/pdf', 1001)?.reason).toBe('attachment_too_large');
    expect(policy.refusalOf('x', '', 1)?.reason).toBe('attachment_type_not_allowed');
  });
});
