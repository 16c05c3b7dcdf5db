// SASL mechanisms the scripted client speaks (RFC 3920 6; RFC 4616 PLAIN; RFC 5802 SCRAM-SHA-1).
// Pure functions over strings: the client feeds them challenges and sends what they return.
// Unit tests hold them to the RFCs' published vectors.
import crypto from 'node:crypto';

export interface Mechanism {
  readonly name: string;
  /** the initial response (raw bytes as a string, before base64), or undefined for none */
  initial(): string | undefined;
  /** answer to a server challenge (decoded); throws when the server's challenge is unacceptable */
  respond(challenge: string): string;
  /** check the additional data with success (SCRAM server signature); throws when it is wrong */
  verifySuccess(data: string): void;
}

export function plain(user: string, password: string, authzid = ''): Mechanism {
  return {
    name: 'PLAIN',
    initial: () => `${authzid}\0${user}\0${password}`,
    respond: () => '',
    verifySuccess: () => undefined,
  };
}

const saslName = (s: string) => s.replace(/=/g, '=3D').replace(/,/g, '=2C');

function hmac(key: Buffer, data: string): Buffer {
  return crypto.createHmac('sha1', key).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function parseAttrs(msg: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of msg.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** SCRAM-SHA-1 without channel binding (gs2 header 'n,,'). `nonce` is injectable for the RFC 5802 vector. */
export function scramSha1(user: string, password: string, nonce = crypto.randomBytes(18).toString('base64')): Mechanism {
  const clientFirstBare = `n=${saslName(user)},r=${nonce}`;
  let serverSignature: Buffer | undefined;
  return {
    name: 'SCRAM-SHA-1',
    initial: () => `n,,${clientFirstBare}`,
    respond(serverFirst: string): string {
      if (serverSignature && serverFirst.startsWith('v=')) {
        // RFC 3920 carries no data with <success/>: the server-final-message comes as a last challenge
        this.verifySuccess(serverFirst);
        return '';
      }
      const a = parseAttrs(serverFirst);
      if (!a.r || !a.s || !a.i) throw new Error(`SCRAM server-first-message lacks r, s or i: ${serverFirst}`);
      if (!a.r.startsWith(nonce)) throw new Error('SCRAM server nonce does not extend the client nonce');
      const iterations = Number(a.i);
      const salted = crypto.pbkdf2Sync(password, Buffer.from(a.s, 'base64'), iterations, 20, 'sha1');
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = crypto.createHash('sha1').update(clientKey).digest();
      const finalNoProof = `c=biws,r=${a.r}`;
      const authMessage = `${clientFirstBare},${serverFirst},${finalNoProof}`;
      const proof = xor(clientKey, hmac(storedKey, authMessage));
      serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
      return `${finalNoProof},p=${proof.toString('base64')}`;
    },
    verifySuccess(data: string): void {
      if (!serverSignature) return;
      const v = parseAttrs(data).v;
      if (v === undefined) return; // may come as a last challenge instead (RFC 3920 has no data with success)
      const got = Buffer.from(v, 'base64');
      if (got.length !== serverSignature.length || !crypto.timingSafeEqual(got, serverSignature)) throw new Error('SCRAM server signature is wrong');
    },
  };
}

export const b64 = (s: string): string => (s === '' ? '=' : Buffer.from(s, 'utf8').toString('base64'));
export const unb64 = (s: string): string => (s.trim() === '=' ? '' : Buffer.from(s.trim(), 'base64').toString('utf8'));
