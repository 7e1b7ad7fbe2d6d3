// Self-signed certificates with chosen validity dates, made with the machine's `openssl` CLI.
//
// OpenSSL 3.0 (what these machines have) cannot back-date `req -x509`: `-days` must be positive and
// `-not_before` / `-not_after` only arrived in 3.4. `openssl ca -selfsign` has always taken explicit
// `-startdate` / `-enddate`, so an already expired certificate (or one expiring in exactly 5 days and an
// hour) is one `req -new` plus one `ca -selfsign` in a throwaway CA directory. No faketime, no extra npm
// dependency. The certificate is its own CA (basicConstraints CA:TRUE), so a test can trust exactly it
// through the prober's `ca` option or NODE_EXTRA_CA_CERTS; it names 127.0.0.1 and localhost.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../../lambdas/core/errors.ts';

export interface TestCertificate {
  /** PEM */
  cert: string;
  /** PEM, unencrypted */
  key: string;
  /** Path of the certificate PEM (for NODE_EXTRA_CA_CERTS); lives until `cleanup()`. */
  certPath: string;
  notBefore: Date;
  notAfter: Date;
  cleanup(): void;
}

/** `YYYYMMDDHHMMSSZ` (GeneralizedTime), the form `openssl ca -startdate/-enddate` accepts. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export function selfSignedCertificate(options: { notBefore: Date; notAfter: Date; commonName?: string }): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'metis-probe-cert-'));
  const path = (name: string) => join(dir, name);
  writeFileSync(path('index.txt'), '');
  writeFileSync(path('serial'), `${Date.now().toString(16).padStart(16, '0')}\n`);
  writeFileSync(
    path('ca.cnf'),
    [
      '[ ca ]',
      'default_ca = test_ca',
      '[ test_ca ]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir',
      'serial = $dir/serial',
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      'copy_extensions = none',
      'x509_extensions = self_signed',
      '[ policy_any ]',
      'commonName = supplied',
      '[ self_signed ]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign',
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      '',
    ].join('\n'),
  );
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    openssl([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path('key.pem'),
      '-out',
      path('req.csr'),
      '-subj',
      `/CN=${options.commonName ?? 'localhost'}`,
    ]);
    openssl([
      'ca',
      '-batch',
      '-config',
      path('ca.cnf'),
      '-selfsign',
      '-keyfile',
      path('key.pem'),
      '-in',
      path('req.csr'),
      '-out',
      path('cert.pem'),
      '-startdate',
      asn1Time(options.notBefore),
      '-enddate',
      asn1Time(options.notAfter),
      '-notext',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl failed: ${stderr.trim() || errorMessage(error)}`);
  }
  return {
    cert: readFileSync(path('cert.pem'), 'utf8'),
    key: readFileSync(path('key.pem'), 'utf8'),
    certPath: path('cert.pem'),
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
