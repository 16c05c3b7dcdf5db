// Certificates made at run time with openssl (nothing secret is committed). The lab PKI: a CA
// the embedded targets trust for server-to-server streams, as a deployment trusts public CAs;
// the targets' certificates and the peer's own are issued by it. Without a CA (a user's target
// whose config names none in peer.pki) certificates are self-signed: a target that checks
// certificates finds the peer's untrusted and falls back to dialback where its policy allows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A CA's certificate and key, as PEM files: the lab's, or the one a user's config names in peer.pki. */
export interface Ca {
  caCert: string;
  caKey: string;
}

function openssl(args: string[], what: string): void {
  const r = spawnSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl could not make ${what}: ${r.stderr}`);
}

const keyArgs = (keyType: 'rsa' | 'ec') => (keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048']);

/** The lab CA in `dir` (ca.crt, ca.key), made when missing. */
export function makeCa(dir: string): Ca {
  fs.mkdirSync(dir, { recursive: true });
  const ca = { caCert: path.join(dir, 'ca.crt'), caKey: path.join(dir, 'ca.key') };
  if (fs.existsSync(ca.caCert) && fs.existsSync(ca.caKey)) return ca;
  openssl(
    ['req', '-x509', ...keyArgs('ec'), '-nodes', '-days', '3650', '-subj', '/CN=xmpp-core-conformance lab CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', ca.caKey, '-out', ca.caCert],
    'the lab CA',
  );
  return ca;
}

/** The subjectAltName extension of a certificate for `domain`, its subdomains and `more`. */
const subjectAltName = (domain: string, more: string[]): string => `subjectAltName=${[domain, `*.${domain}`, ...more].map((d) => `DNS:${d}`).join(',')}`;

/**
 * `<dir>/<domain>.key`, `.crt` and `.pem` (key then certificate) for `domain` and its
 * subdomains, plus any `more` names; kept when they exist. Issued by `ca` when given, else
 * self-signed. 'ec' (P-256) is made in milliseconds where an RSA key takes a fifth of a second;
 * servers whose TLS set-up is only known to work with RSA keep 'rsa'.
 */
export function makeCert(dir: string, domain: string, keyType: 'rsa' | 'ec' = 'rsa', more: string[] = [], ca?: Ca): void {
  fs.mkdirSync(dir, { recursive: true });
  const key = path.join(dir, `${domain}.key`);
  const crt = path.join(dir, `${domain}.crt`);
  if (fs.existsSync(key) && fs.existsSync(crt)) return;
  openssl(
    [
      'req', '-x509', ...keyArgs(keyType), '-nodes', '-days', '3650', '-subj', `/CN=${domain}`, '-addext', subjectAltName(domain, more),
      ...(ca ? ['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth,clientAuth', '-CA', ca.caCert, '-CAkey', ca.caKey] : []),
      '-keyout', key, '-out', crt,
    ],
    `a certificate for ${domain}`,
  );
  fs.writeFileSync(path.join(dir, `${domain}.pem`), fs.readFileSync(key, 'utf8') + fs.readFileSync(crt, 'utf8'));
}

/**
 * A certificate for `domain` (and `more`) issued by `ca` but valid only in 2020: expired. openssl
 * req cannot date a certificate in the past, openssl ca can (its database is made in `dir`).
 */
function makeExpiredCert(dir: string, domain: string, more: string[], ca: Ca): void {
  fs.mkdirSync(dir, { recursive: true });
  const key = path.join(dir, `${domain}.key`);
  const csr = path.join(dir, `${domain}.csr`);
  openssl(['req', '-new', ...keyArgs('ec'), '-nodes', '-subj', `/CN=${domain}`, '-addext', subjectAltName(domain, more), '-keyout', key, '-out', csr], `a request for ${domain}`);
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  const conf = path.join(dir, 'ca.cnf');
  fs.writeFileSync(conf, `[ca]\ndefault_ca = lab\n[lab]\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}\nserial = ${dir}/serial\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n[any]\ncommonName = supplied\n`);
  openssl(['ca', '-batch', '-config', conf, '-cert', ca.caCert, '-keyfile', ca.caKey, '-in', csr, '-out', path.join(dir, `${domain}.crt`), '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-notext'], `an expired certificate for ${domain}`);
}

export interface Credentials {
  key: string;
  cert: string;
}

const made = new Map<string, Credentials>();

/** Key and certificate for `domain`, made once per process under the name `which` by `make` in a temporary directory (removed). */
function issued(which: string, domain: string, make: (dir: string) => void): Credentials {
  const known = made.get(which);
  if (known) return known;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-peer-'));
  try {
    make(dir);
    const c = { key: fs.readFileSync(path.join(dir, `${domain}.key`), 'utf8'), cert: fs.readFileSync(path.join(dir, `${domain}.crt`), 'utf8') };
    made.set(which, c);
    return c;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The peer's key and certificate for its domains, made once per process: issued by `ca` (the
 * certificate a target that trusts that CA validates), or self-signed without one.
 */
export function peerCredentials(domains: string[], ca?: Ca): Credentials {
  return issued(`${ca?.caCert ?? 'self-signed'} ${domains.join(' ')}`, domains[0]!, (dir) => makeCert(dir, domains[0]!, 'ec', domains.slice(1), ca));
}

/**
 * The config of an embedded run with the lab's CA, made in `dir`: the targets' certificates are
 * issued by it and the targets trust it for s2s (peer.pki), and the suite validates the target's
 * certificate with it (tls.caFile), as a client validates a deployed server's.
 */
export function withLabCa<C extends { tls: { caFile?: string }; peer: { pki?: Ca } }>(cfg: C, dir: string): C {
  const ca = makeCa(dir);
  return { ...cfg, tls: { ...cfg.tls, caFile: ca.caCert }, peer: { ...cfg.peer, pki: ca } };
}

/** A certificate a server cannot validate, each failing one check: its issuer, its dates, its name, its CA. */
export type BadCertificate = 'self-signed' | 'expired' | 'for another domain' | 'from a CA the target does not trust';

/** The peer's key and a certificate of that bad kind for its domains (made once per process). */
export function badCredentials(kind: BadCertificate, domains: string[], ca: Ca): Credentials {
  if (kind === 'self-signed') return peerCredentials(domains);
  if (kind === 'for another domain') return peerCredentials(['another-domain.invalid'], ca);
  // a CA of its own, made in the temporary directory and gone with it
  if (kind === 'from a CA the target does not trust') return issued(`untrusted ${domains.join(' ')}`, domains[0]!, (dir) => makeCert(dir, domains[0]!, 'ec', domains.slice(1), makeCa(path.join(dir, 'ca'))));
  return issued(`expired ${domains.join(' ')}`, domains[0]!, (dir) => makeExpiredCert(dir, domains[0]!, domains.slice(1), ca));
}
