// Self-signed certificates made at run time with openssl (nothing secret is committed): the
// embedded targets' certificates for their domains, and the peer's own for STARTTLS on
// server-to-server streams. A target that checks certificates finds the peer's untrusted and
// falls back to dialback where its policy allows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `<dir>/<domain>.key`, `.crt` and `.pem` (key then certificate) for `domain` and its
 * subdomains, plus any `more` names; kept when they exist. 'ec' (P-256) is made in milliseconds
 * where an RSA key takes a fifth of a second; servers whose TLS set-up is only known to work with
 * RSA keep 'rsa'.
 */
export function makeCert(dir: string, domain: string, keyType: 'rsa' | 'ec' = 'rsa', more: string[] = []): void {
  fs.mkdirSync(dir, { recursive: true });
  const key = path.join(dir, `${domain}.key`);
  const crt = path.join(dir, `${domain}.crt`);
  if (fs.existsSync(key) && fs.existsSync(crt)) return;
  const names = [domain, `*.${domain}`, ...more].map((d) => `DNS:${d}`).join(',');
  const r = spawnSync('openssl', [
    'req', '-x509', ...(keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048']), '-nodes', '-days', '3650', '-subj', `/CN=${domain}`,
    '-addext', `subjectAltName=${names}`, '-keyout', key, '-out', crt,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl could not make a certificate for ${domain}: ${r.stderr}`);
  fs.writeFileSync(path.join(dir, `${domain}.pem`), fs.readFileSync(key, 'utf8') + fs.readFileSync(crt, 'utf8'));
}

let made: { key: string; cert: string } | undefined;

/** The peer's key and certificate for its domains, made once per process. */
export function peerCredentials(domains: string[]): { key: string; cert: string } {
  if (made) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-peer-'));
  try {
    makeCert(dir, domains[0]!, 'ec', domains.slice(1));
    made = { key: fs.readFileSync(path.join(dir, `${domains[0]}.key`), 'utf8'), cert: fs.readFileSync(path.join(dir, `${domains[0]}.crt`), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return made;
}
