// One moto account per test file, so integration files can run in parallel against the one moto server
// without seeing each other's tables, queues, topics or parameters (every moto backend is per account).
//
// The run's globalSetup lists the test files that talk to moto and, for the file at index i, assumes a
// role in account 200000000000 + i: moto maps the returned temporary access key to that account on every
// later request, in-process clients and spawned CLIs/bundles alike. Accounts come from the file's index,
// so two files can never share one. S3 bucket names are global across accounts: name buckets with
// `perFileName` (support/aws.ts).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface MotoCredentials {
  account: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const FIRST_ACCOUNT = 200_000_000_000;

/** Test files that get an account: everything in test/integration, and the slow files anywhere under test/. */
export function motoTestFiles(root: string): string[] {
  return walk(join(root, 'test'))
    .map((file) => relative(root, file))
    .filter((file) => file.endsWith('.test.ts') && (file.startsWith('test/integration/') || file.endsWith('.slow.test.ts')))
    .sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Assumes a role in a fresh account for each file; the answer maps repository-relative path -> credentials. */
export async function assignAccounts(endpoint: string, files: string[]): Promise<Record<string, MotoCredentials>> {
  const entries = await Promise.all(
    files.map(async (file, index) => [file, await assumeRoleIn(endpoint, String(FIRST_ACCOUNT + index))] as const),
  );
  return Object.fromEntries(entries);
}

async function assumeRoleIn(endpoint: string, account: string): Promise<MotoCredentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: `arn:aws:iam::${account}:role/integration-test`,
    RoleSessionName: 'integration-test',
  });
  // moto routes by the credential scope's service name and does not check the signature.
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`moto AssumeRole into ${account} failed: HTTP ${response.status} ${xml.slice(0, 300)}`);
  const field = (name: string): string => {
    const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
    if (!value) throw new Error(`moto AssumeRole into ${account}: no ${name} in ${xml.slice(0, 300)}`);
    return value;
  };
  return { account, accessKeyId: field('AccessKeyId'), secretAccessKey: field('SecretAccessKey'), sessionToken: field('SessionToken') };
}
