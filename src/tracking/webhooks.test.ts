import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  judgeAttempt,
  RETRY_SCHEDULE_MS,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
  webhookMessageId,
  webhookSecretFromBytes,
} from './webhooks.ts';

const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('Standard Webhooks signing', () => {
  it("reproduces the specification's example signature", () => {
    expect(signWebhook(SPEC_SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('is verified by the reference library (standardwebhooks on npm)', () => {
    const secret = webhookSecretFromBytes(new Uint8Array(32).map((_, i) => i * 7));
    const body = JSON.stringify({ type: 'parcel.event', data: { code: 'DEPARTED' } });
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([secret], webhookMessageId('parcel.event', 'e1', 'p1'), now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('signs with both secrets while one rotates, and either verifies', () => {
    const oldSecret = webhookSecretFromBytes(new Uint8Array(24).fill(1));
    const newSecret = webhookSecretFromBytes(new Uint8Array(24).fill(2));
    const headers = webhookHeaders([newSecret, oldSecret], 'msg_1', 1_800_000_000, 'x');
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook(newSecret, headers, 'x', 1_800_000_000)).toEqual({ ok: true });
    expect(verifyWebhook(oldSecret, headers, 'x', 1_800_000_000)).toEqual({ ok: true });
    const other = webhookSecretFromBytes(new Uint8Array(24).fill(3));
    expect(verifyWebhook(other, headers, 'x', 1_800_000_000)).toEqual({
      ok: false,
      why: 'no signature matches',
    });
  });

  it('refuses a timestamp outside the tolerance and a changed body', () => {
    const headers = webhookHeaders([SPEC_SECRET], 'msg_1', 1_800_000_000, 'body');
    expect(verifyWebhook(SPEC_SECRET, headers, 'body', 1_800_000_000 + 301).ok).toBe(false);
    expect(verifyWebhook(SPEC_SECRET, headers, 'body', 1_800_000_000 - 301).ok).toBe(false);
    expect(verifyWebhook(SPEC_SECRET, headers, 'bodY', 1_800_000_000).ok).toBe(false);
    expect(verifyWebhook(SPEC_SECRET, { ...headers, 'webhook-id': 'msg_2' }, 'body', 1_800_000_000).ok).toBe(
      false,
    );
  });

  it('makes stable message ids without dots', () => {
    const id = webhookMessageId('parcel.event', 'evt.1', 'p.1');
    expect(id).toBe(webhookMessageId('parcel.event', 'evt.1', 'p.1'));
    expect(id).not.toContain('.');
    expect(id).not.toBe(webhookMessageId('parcel.eta_changed', 'evt.1', 'p.1'));
    expect(() => signWebhook(SPEC_SECRET, 'a.b', 1, 'x')).toThrow();
  });

  it('refuses secrets shorter than 24 or longer than 64 bytes', () => {
    expect(() => webhookSecretFromBytes(new Uint8Array(23))).toThrow();
    expect(() => webhookSecretFromBytes(new Uint8Array(65))).toThrow();
  });
});

describe('delivery verdicts', () => {
  it('retries over about three days, then fails', () => {
    const total = RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(75 + 35 / 60 + 5 / 3600, 3);
    for (let attempt = 1; attempt < RETRY_SCHEDULE_MS.length; attempt++) {
      const v = judgeAttempt(attempt, 500, undefined, 0.5);
      expect(v).toEqual({ kind: 'retry', delayMs: RETRY_SCHEDULE_MS[attempt] });
    }
    expect(judgeAttempt(RETRY_SCHEDULE_MS.length, 500, undefined, 0.5)).toEqual({ kind: 'failed' });
    expect(judgeAttempt(3, undefined, undefined, 0.5).kind).toBe('retry');
  });

  it('counts only 2xx as delivered, 3xx as a failure, and 410 as gone', () => {
    expect(judgeAttempt(1, 204, undefined, 0).kind).toBe('delivered');
    expect(judgeAttempt(1, 301, undefined, 0).kind).toBe('retry');
    expect(judgeAttempt(1, 410, undefined, 0).kind).toBe('gone');
  });

  it('honours Retry-After on 429 and 503 when longer than the schedule, at most a day', () => {
    expect(judgeAttempt(1, 429, 600, 0.5)).toEqual({ kind: 'retry', delayMs: 600_000 });
    expect(judgeAttempt(1, 503, 10 * 86_400, 0.5)).toEqual({ kind: 'retry', delayMs: 86_400_000 });
    expect(judgeAttempt(1, 500, 600, 0.5)).toEqual({ kind: 'retry', delayMs: 5_000 });
  });

  it('spreads retries by at most ±10 %', () => {
    expect(judgeAttempt(4, 500, undefined, 0)).toEqual({
      kind: 'retry',
      delayMs: 0.9 * RETRY_SCHEDULE_MS[4]!,
    });
    const v = judgeAttempt(4, 500, undefined, 0.999_999);
    expect(v.kind === 'retry' && v.delayMs <= 1.1 * RETRY_SCHEDULE_MS[4]!).toBe(true);
  });
});
