import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { listMessages } from '../src/customs/index.ts';
import { ephemeralSigner } from '../src/eport/signer.ts';
import { validateXml } from '../src/eport/xsd.ts';
import { hubProfile, sampleDeclarations } from './fixtures/customs.ts';

const signer = ephemeralSigner();
const message = listMessages(sampleDeclarations(3), {
  hub: hubProfile,
  nowMs: Date.parse('2026-12-02T08:00:00Z'),
})[0]!;
const signed = signer.sign(message.xml);

/** Verifies with xml-crypto: its own C14N of the document and of SignedInfo, its own RSA check. */
function verify(xml: string): { ok: boolean; errors: string[] } {
  const sig = new SignedXml({ publicCert: signer.publicKeyPem, getCertFromKeyInfo: () => null });
  const doc = xml;
  const node = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(doc)![0];
  sig.loadSignature(node);
  try {
    const ok = sig.checkSignature(doc);
    return { ok, errors: [] };
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
}

describe('XML signature (enveloped, C14N, RSA-SHA1)', () => {
  it('an independent verifier (xml-crypto) accepts the signature', () => {
    expect(signed).toContain('<ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1">');
    expect(verify(signed)).toEqual({ ok: true, errors: [] });
  });

  it('the digest is over the canonical document without the signature', () => {
    const digest = /<ds:DigestValue>([^<]+)</.exec(signed)![1];
    expect(digest).toBe(createHash('sha1').update(message.xml).digest('base64'));
  });

  it('the signed message still validates against the XSD', async () => {
    const [v] = await validateXml([{ name: 'signed', xml: signed }]);
    expect(v!.errors).toEqual([]);
  });

  it('changing a value after signing breaks the signature', () => {
    const tampered = signed.replace(
      /<ceb:totalPrice>([\d.]+)</,
      (_m, v) => `<ceb:totalPrice>${Number(v) + 1}<`,
    );
    expect(tampered).not.toBe(signed);
    expect(verify(tampered).ok).toBe(false);
  });

  it('changing the signed info (the digest) breaks the signature', () => {
    const tampered = signed.replace(
      /<ds:DigestValue>([^<]+)</,
      '<ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAA=<',
    );
    expect(verify(tampered).ok).toBe(false);
  });

  it('a signature by another key does not verify', () => {
    const other = ephemeralSigner().sign(message.xml);
    expect(verify(other).ok).toBe(false);
  });
});
