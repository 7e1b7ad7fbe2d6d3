// The isolation parallel integration files rely on: each file's moto account sees only its own resources.
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, inject, it } from 'vitest';
import { ACCOUNT, clientConfig, motoEndpoint } from './aws.ts';
import { assignAccounts, motoTestFiles } from './moto-accounts.ts';

const sqsAs = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) =>
  new SQSClient({ ...clientConfig(), credentials });

describe('one moto account per test file', () => {
  it('every integration and slow test file has its own account, this one included', () => {
    const accounts = inject('motoAccounts');
    const files = motoTestFiles(process.cwd());
    expect(files).toContain('test/integration/support/moto-accounts.test.ts');
    expect(files).toContain('test/integration/functions/router/storm.slow.test.ts');
    expect(files.filter((file) => !file.startsWith('test/integration/') && !file.endsWith('.slow.test.ts'))).toEqual([]);
    expect(Object.keys(accounts).sort()).toEqual(files);
    const ids = Object.values(accounts).map((credentials) => credentials.account);
    expect(new Set(ids).size).toBe(files.length);
    expect(accounts['test/integration/support/moto-accounts.test.ts']?.account).toBe(ACCOUNT);
  });

  it("a queue made with one file's credentials is invisible to another file's, and its URL names the account", async () => {
    const [a, b] = Object.values(await assignAccounts(motoEndpoint(), ['x.test.ts', 'y.test.ts']));
    const created = await sqsAs(a!).send(new CreateQueueCommand({ QueueName: 'only-in-a' }));
    expect(created.QueueUrl).toContain(`/${a!.account}/only-in-a`);
    const seenByA = await sqsAs(a!).send(new ListQueuesCommand({}));
    const seenByB = await sqsAs(b!).send(new ListQueuesCommand({}));
    expect(seenByA.QueueUrls).toEqual([created.QueueUrl]);
    expect(seenByB.QueueUrls ?? []).toEqual([]);
  });
});
