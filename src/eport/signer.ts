import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { digestInputOf, insertSignature, type SignatureKeyInfo, signedInfoOf } from '../customs/signature.ts';
import { LandbridgeError } from '../domain/index.ts';

/** Signs CEB messages (enveloped XML-DSig, C14N, RSA-SHA1) with the operator's key. */
export interface MessageSigner {
  readonly algorithm: 'rsa-sha1';
  /** Where the key came from: a file the operator configured, or a key made for this process (sample). */
  readonly keySource: 'configured' | 'ephemeral-sample';
  /** The PEM public key, for verifying what this signer signed. */
  readonly publicKeyPem: string;
  sign(unsignedXml: string): string;
}

function b64url2b64(s: string): string {
  return Buffer.from(s, 'base64url').toString('base64');
}

function signerOver(
  privateKey: KeyObject,
  keyInfo: SignatureKeyInfo,
  keySource: MessageSigner['keySource'],
): MessageSigner {
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    algorithm: 'rsa-sha1',
    keySource,
    publicKeyPem,
    sign(unsignedXml) {
      const digest = createHash('sha1').update(digestInputOf(unsignedXml), 'utf8').digest('base64');
      const info = signedInfoOf(digest, 'rsa-sha1');
      const value = sign('RSA-SHA1', Buffer.from(info.canonical, 'utf8'), privateKey).toString('base64');
      return insertSignature(unsignedXml, info.element, value, keyInfo);
    },
  };
}

/**
 * The signer over the operator's key: `keyFile` a PEM RSA private key, `certificateFile` the PEM X.509
 * certificate customs issued for it (put in KeyInfo). The spec's preferred SM2-SM3 needs the
 * customs-approved crypto device and is not done in software here.
 *
 * @throws LandbridgeError naming the file when a key or certificate cannot be read or is not RSA.
 */
export function signerFromFiles(keyFile: string, certificateFile?: string, keyName?: string): MessageSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(keyFile));
  } catch (e) {
    throw new LandbridgeError('invalid-input', `cannot read the customs signing key ${keyFile}`, [
      { where: { file: keyFile }, why: (e as Error).message },
    ]);
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new LandbridgeError('invalid-input', `the customs signing key ${keyFile} is not an RSA key`, [
      { where: { file: keyFile }, why: `key type ${key.asymmetricKeyType}; RSA-SHA1 needs RSA` },
    ]);
  let certificateBase64: string | undefined;
  if (certificateFile !== undefined) {
    try {
      certificateBase64 = new X509Certificate(readFileSync(certificateFile)).raw.toString('base64');
    } catch (e) {
      throw new LandbridgeError('invalid-input', `cannot read the certificate ${certificateFile}`, [
        { where: { file: certificateFile }, why: (e as Error).message },
      ]);
    }
  }
  return signerOver(
    key,
    certificateBase64 ? { ...(keyName ? { keyName } : {}), certificateBase64 } : rsaKeyInfo(key, keyName),
    'configured',
  );
}

function rsaKeyInfo(key: KeyObject, keyName?: string): SignatureKeyInfo {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return {
    ...(keyName ? { keyName } : {}),
    rsaKeyValue: { modulusBase64: b64url2b64(jwk.n!), exponentBase64: b64url2b64(jwk.e!) },
  };
}

/**
 * A signer over a key made for this process: for tests and the sample hub, which have no key from
 * customs. Its messages name the key by value (RSAKeyValue), not by certificate.
 */
export function ephemeralSigner(): MessageSigner {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return signerOver(privateKey, rsaKeyInfo(privateKey, 'landbridge-sample'), 'ephemeral-sample');
}

/**
 * The signer the environment configures: `LANDBRIDGE_CUSTOMS_KEY_FILE` (PEM RSA key) and optionally
 * `LANDBRIDGE_CUSTOMS_CERT_FILE`; without them, an ephemeral sample key.
 */
export function signerFromEnv(env: NodeJS.ProcessEnv = process.env): MessageSigner {
  const keyFile = env.LANDBRIDGE_CUSTOMS_KEY_FILE;
  return keyFile
    ? signerFromFiles(keyFile, env.LANDBRIDGE_CUSTOMS_CERT_FILE || undefined)
    : ephemeralSigner();
}

/** A signer made on first use (key generation or reading costs only where something is signed). */
export function lazySigner(make: () => MessageSigner): MessageSigner {
  let real: MessageSigner | undefined;
  const get = () => {
    real ??= make();
    return real;
  };
  return {
    algorithm: 'rsa-sha1',
    get keySource() {
      return get().keySource;
    },
    get publicKeyPem() {
      return get().publicKeyPem;
    },
    sign: (xml) => get().sign(xml),
  };
}
