// The peer's own certificate for STARTTLS on server-to-server streams: self-signed for its
// domains, made once per process at run time (nothing secret is committed). A target that
// checks certificates finds it untrusted and falls back to dialback where its policy allows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let made: { key: string; cert: string } | undefined;

export function peerCredentials(domains: string[]): { key: string; cert: string } {
  if (made) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xmpp-peer-'));
  const key = path.join(dir, 'peer.key');
  const crt = path.join(dir, 'peer.crt');
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${domains[0]}`,
    '-addext', `subjectAltName=${domains.map((d) => `DNS:${d}`).join(',')}`, '-keyout', key, '-out', crt,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl could not make the peer's certificate: ${r.stderr}`);
  made = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(crt, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return made;
}
