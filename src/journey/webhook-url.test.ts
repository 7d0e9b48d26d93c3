import { describe, expect, it } from 'vitest';
import { isPrivateAddress, webhookUrlProblem } from './webhook-url.ts';

describe('webhook URL policy', () => {
  it('knows private, loopback, link-local, shared and mapped addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '93.184.216.7', '2606:4700::1111'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses a name that resolves to a private address (SSRF), unless the operator allows private ones', async () => {
    const resolve = async (host: string) => (host === 'inside.example' ? ['10.0.0.5'] : ['93.184.216.34']);
    expect(await webhookUrlProblem('https://inside.example/hook', { allowPrivate: false, resolve })).toMatch(
      /10\.0\.0\.5/,
    );
    expect(
      await webhookUrlProblem('https://shop.example/hook', { allowPrivate: false, resolve }),
    ).toBeUndefined();
    expect(await webhookUrlProblem('http://localhost:3000/', { allowPrivate: false, resolve })).toMatch(
      /loopback/,
    );
    expect(await webhookUrlProblem('http://[::1]:3000/', { allowPrivate: false, resolve })).toMatch(
      /private or loopback/,
    );
    expect(
      await webhookUrlProblem('http://127.0.0.1:3000/', { allowPrivate: true, resolve }),
    ).toBeUndefined();
    expect(await webhookUrlProblem('ftp://shop.example/', { allowPrivate: true, resolve })).toMatch(/http/);
    expect(await webhookUrlProblem('https://u:p@shop.example/', { allowPrivate: true, resolve })).toMatch(
      /credentials/,
    );
  });
});
