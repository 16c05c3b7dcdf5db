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

/**
 * SaltedPassword by password, salt and iteration count: RFC 5802 5.1 lets a client cache it for
 * reauthentication to the same service, which advertises the same salt. Without it every login
 * of a run derived it again (Prosody salts with 10,000 iterations: 0.1 to 0.2 s of CPU per worker a run).
 */
const saltedPasswords = new Map<string, Buffer>();

function saltedPassword(password: string, salt: string, iterations: number): Buffer {
  const key = `${iterations}\0${salt}\0${password}`;
  let salted = saltedPasswords.get(key);
  if (!salted) saltedPasswords.set(key, (salted = crypto.pbkdf2Sync(password, Buffer.from(salt, 'base64'), iterations, 20, 'sha1')));
  return salted;
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
      const salted = saltedPassword(password, a.s, iterations);
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

/** RFC 2831 section 2.1: `key=value` and `key="quoted, value"` pairs of a digest-challenge. */
export function parseDigestChallenge(challenge: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const re = /\s*([A-Za-z0-9-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(challenge)) && m[0] !== '') {
    const key = m[1]!.toLowerCase();
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
    (out[key] ??= []).push(value);
  }
  return out;
}

export interface DigestOptions {
  /** the service part of digest-uri (RFC 3920 6.1 via RFC 2831: 'xmpp' for XMPP) */
  service?: string;
  /** the host part of digest-uri: the server's domain */
  host: string;
  /** injectable for the RFC 2831 section 4 vector */
  cnonce?: string;
  authzid?: string;
}

/**
 * DIGEST-MD5 (RFC 2831), client side, qop=auth only: answers the digest-challenge with a
 * digest-response and checks the server's rspauth (second challenge or success data).
 */
export function digestMd5(user: string, password: string, opts: DigestOptions): Mechanism {
  const service = opts.service ?? 'xmpp';
  const cnonce = opts.cnonce ?? crypto.randomBytes(18).toString('base64');
  const digestUri = `${service}/${opts.host}`;
  const md5 = (data: Buffer | string) => crypto.createHash('md5').update(data).digest();
  const hex = (b: Buffer) => b.toString('hex');
  let expectedRspauth: string | undefined;
  let verified = false;
  const checkRspauth = (data: string): void => {
    const got = parseDigestChallenge(data).rspauth?.[0];
    if (got === undefined) return;
    if (!expectedRspauth || got.toLowerCase() !== expectedRspauth) throw new Error(`DIGEST-MD5 rspauth is wrong: got ${got}, expected ${expectedRspauth}`);
    verified = true;
  };
  return {
    name: 'DIGEST-MD5',
    initial: () => undefined,
    respond(challenge: string): string {
      const c = parseDigestChallenge(challenge);
      if (c.rspauth) {
        checkRspauth(challenge);
        return '';
      }
      const nonce = c.nonce?.[0];
      if (!nonce) throw new Error(`DIGEST-MD5 challenge carries no nonce: ${challenge}`);
      if (c.nonce!.length > 1) throw new Error('DIGEST-MD5 challenge carries more than one nonce (RFC 2831 2.1.1)');
      const qops = (c.qop?.[0] ?? 'auth').split(',').map((q) => q.trim());
      if (!qops.includes('auth')) throw new Error(`DIGEST-MD5 challenge offers no qop=auth (qop="${c.qop?.[0]}")`);
      if (c.algorithm?.[0] !== 'md5-sess') throw new Error(`DIGEST-MD5 challenge lacks algorithm=md5-sess (RFC 2831 2.1.1)`);
      const realm = c.realm?.[0] ?? opts.host;
      const utf8 = c.charset?.[0]?.toLowerCase() === 'utf-8';
      const nc = '00000001';
      const qop = 'auth';
      const a1 = Buffer.concat([
        md5(Buffer.from(`${user}:${realm}:${password}`, utf8 ? 'utf8' : 'latin1')),
        Buffer.from(`:${nonce}:${cnonce}${opts.authzid ? `:${opts.authzid}` : ''}`, 'utf8'),
      ]);
      const ha1 = hex(md5(a1));
      const kd = (a2: string) => hex(md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${hex(md5(a2))}`));
      const response = kd(`AUTHENTICATE:${digestUri}`);
      expectedRspauth = kd(`:${digestUri}`);
      const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
      return [
        ...(utf8 ? ['charset=utf-8'] : []),
        `username=${q(user)}`,
        `realm=${q(realm)}`,
        `nonce=${q(nonce)}`,
        `nc=${nc}`,
        `cnonce=${q(cnonce)}`,
        `digest-uri=${q(digestUri)}`,
        `response=${response}`,
        `qop=${qop}`,
        ...(opts.authzid ? [`authzid=${q(opts.authzid)}`] : []),
      ].join(',');
    },
    verifySuccess(data: string): void {
      if (data) checkRspauth(data);
      else if (!verified && expectedRspauth) throw new Error('DIGEST-MD5 ended with <success/> without rspauth (RFC 2831 2.1.3)');
    },
  };
}
