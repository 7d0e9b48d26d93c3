import { CEB_NS, DS_NS, escapeText } from './xml.ts';

/**
 * XML-DSig algorithms the 202205 specification allows [customs-china.md §2]: SM2-SM3 preferred
 * (computed in the customs-approved crypto device), RSA-SHA1 the alternative. Landbridge signs with
 * RSA-SHA1 in software; SM2-SM3 needs the operator's device.
 */
export const SIGNATURE_ALGORITHMS = {
  'rsa-sha1': {
    signatureMethod: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
    digestMethod: 'http://www.w3.org/2000/09/xmldsig#sha1',
  },
  'sm2-sm3': {
    signatureMethod: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3',
    digestMethod: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm3',
  },
} as const;
export type SignatureAlgorithm = keyof typeof SIGNATURE_ALGORITHMS;

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/**
 * The `SignedInfo` of an enveloped signature over the whole document (`Reference URI=""`), in two
 * forms: as it stands inside `ds:Signature`, and canonicalised (inclusive C14N of the SignedInfo
 * subset, which carries the namespaces in scope: `ceb` from the root and `ds` from `Signature`) — the
 * bytes the signature value is computed over.
 */
export function signedInfoOf(
  digestBase64: string,
  algorithm: SignatureAlgorithm,
): { readonly element: string; readonly canonical: string } {
  const a = SIGNATURE_ALGORITHMS[algorithm];
  const inner =
    `<ds:CanonicalizationMethod Algorithm="${C14N}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${a.signatureMethod}"></ds:SignatureMethod>` +
    `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="${ENVELOPED}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${a.digestMethod}"></ds:DigestMethod>` +
    `<ds:DigestValue>${escapeText(digestBase64)}</ds:DigestValue></ds:Reference>`;
  return {
    element: `<ds:SignedInfo>${inner}</ds:SignedInfo>`,
    canonical: `<ds:SignedInfo xmlns:ceb="${CEB_NS}" xmlns:ds="${DS_NS}">${inner}</ds:SignedInfo>`,
  };
}

/** The key material a signature names: a key name, and an X.509 certificate or the RSA public key. */
export interface SignatureKeyInfo {
  readonly keyName?: string;
  /** Base64 DER of the signer's X.509 v3 certificate (what customs expect). */
  readonly certificateBase64?: string;
  /** Base64 modulus and exponent, where the signer has no certificate (test and sample keys). */
  readonly rsaKeyValue?: { readonly modulusBase64: string; readonly exponentBase64: string };
}

/**
 * Puts an enveloped `ds:Signature` into an unsigned CEB message where the schema wants it: after
 * `BaseTransfer` (and any `BaseSubscribe`), before `ExtendMessage` or the end of the root.
 *
 * @throws Error when the message has no `BaseTransfer` (not a CEB declaration message).
 */
export function insertSignature(
  xml: string,
  signedInfoElement: string,
  signatureValueBase64: string,
  keyInfo: SignatureKeyInfo,
): string {
  let key = '';
  if (keyInfo.keyName !== undefined) key += `<ds:KeyName>${escapeText(keyInfo.keyName)}</ds:KeyName>`;
  if (keyInfo.certificateBase64 !== undefined)
    key += `<ds:X509Data><ds:X509Certificate>${keyInfo.certificateBase64}</ds:X509Certificate></ds:X509Data>`;
  else if (keyInfo.rsaKeyValue !== undefined)
    key += `<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>${keyInfo.rsaKeyValue.modulusBase64}</ds:Modulus><ds:Exponent>${keyInfo.rsaKeyValue.exponentBase64}</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>`;
  const signature =
    `<ds:Signature xmlns:ds="${DS_NS}">${signedInfoElement}` +
    `<ds:SignatureValue>${signatureValueBase64}</ds:SignatureValue>` +
    (key ? `<ds:KeyInfo>${key}</ds:KeyInfo>` : '') +
    '</ds:Signature>';
  const extend = xml.indexOf('<ceb:ExtendMessage>');
  if (extend >= 0) return xml.slice(0, extend) + signature + xml.slice(extend);
  const subscribeEnd = xml.lastIndexOf('</ceb:BaseSubscribe>');
  const transferEnd = xml.lastIndexOf('</ceb:BaseTransfer>');
  if (transferEnd < 0) throw new Error('not a CEB declaration message: no BaseTransfer');
  const at =
    subscribeEnd > transferEnd
      ? subscribeEnd + '</ceb:BaseSubscribe>'.length
      : transferEnd + '</ceb:BaseTransfer>'.length;
  return xml.slice(0, at) + signature + xml.slice(at);
}

/**
 * The digest input of an enveloped signature over a message Landbridge wrote: the message itself, since
 * it is written in canonical form and holds no signature yet (the enveloped transform removes exactly
 * the signature again).
 */
export function digestInputOf(unsignedXml: string): string {
  return unsignedXml;
}
