// SDK clients pointed at the run's moto server, plus the fixtures the integration suites share.
//
// SNS -> SQS subscriptions are created with raw message delivery OFF: the queue then receives the SNS
// envelope ({ Type, Subject, Message, MessageAttributes: { name: { Type, Value } } }), so a test sees
// exactly what an e-mail/chat subscriber would get, Subject included (raw delivery drops the Subject).
import { relative } from 'node:path';
import { expect, inject } from 'vitest';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OPEN_BY_SOURCE_INDEX, OPEN_SOURCE_ATTRIBUTE, OWED_ATTRIBUTE, OWED_INDEX } from '../../../lambdas/core/constants.ts';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { MotoCredentials } from './moto-accounts.ts';

export const REGION = 'us-east-1';

/** This test file's moto account and credentials (support/moto-accounts.ts): no other file sees its resources. */
function fileCredentials(): MotoCredentials {
  const testPath = expect.getState().testPath;
  if (!testPath) throw new Error('support/aws.ts must be imported from a test file');
  const file = relative(process.cwd(), testPath);
  const credentials = inject('motoAccounts')[file];
  if (!credentials) {
    throw new Error(
      `${file} has no moto account: the integration globalSetup gives one to each file in test/integration and each *.slow.test.ts`,
    );
  }
  return credentials;
}

const credentials = fileCredentials();
export const ACCOUNT = credentials.account;

export function motoEndpoint(): string {
  return inject('motoEndpoint');
}

/** Config shared by every client: the moto endpoint, this file's credentials, few retries (moto is local). */
export function clientConfig() {
  return {
    endpoint: motoEndpoint(),
    region: REGION,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    maxAttempts: 2,
  };
}

/** The SDK variables a spawned process (CLI, bundle, shipper) needs to reach moto as this file's account. */
export function awsEnv(): {
  AWS_ENDPOINT_URL: string;
  AWS_REGION: string;
  AWS_DEFAULT_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN: string;
} {
  return {
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
  };
}

/** S3 bucket names are global across moto accounts: suffix them with this file's account. */
export const perFileName = (base: string): string => `${base}-${ACCOUNT}`;

export const dynamoClient = (): DynamoDBClient => new DynamoDBClient(clientConfig());
export const snsClient = (): SNSClient => new SNSClient(clientConfig());
export const sqsClient = (): SQSClient => new SQSClient(clientConfig());
export const ssmClient = (): SSMClient => new SSMClient(clientConfig());
export const eventBridgeClient = (): EventBridgeClient => new EventBridgeClient(clientConfig());
export const cloudWatchClient = (): CloudWatchClient => new CloudWatchClient(clientConfig());

/** The router's incident table as lib/incident-table.ts defines it: partition key `dedupKey` (S), on-demand, the sparse open-by-source index. */
export async function createIncidentTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'dedupKey', AttributeType: 'S' },
        { AttributeName: OPEN_SOURCE_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: OWED_ATTRIBUTE, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'dedupKey', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: OPEN_BY_SOURCE_INDEX,
          KeySchema: [{ AttributeName: OPEN_SOURCE_ATTRIBUTE, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: OWED_INDEX,
          KeySchema: [{ AttributeName: OWED_ATTRIBUTE, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export async function createQueue(sqs: SQSClient, name: string): Promise<{ queueUrl: string; queueArn: string }> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = created.QueueUrl;
  if (!queueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = attributes.Attributes?.QueueArn;
  if (!queueArn) throw new Error(`queue ${name} has no ARN`);
  return { queueUrl, queueArn };
}

/**
 * A topic with one SQS subscriber (raw delivery off, see the file comment). moto does not check the
 * queue policy; a real deployment needs one allowing sns.amazonaws.com to SendMessage.
 */
export async function createTopicWithQueue(sns: SNSClient, sqs: SQSClient, name: string): Promise<{ topicArn: string; queueUrl: string }> {
  const topic = await sns.send(new CreateTopicCommand({ Name: name }));
  const topicArn = topic.TopicArn;
  if (!topicArn) throw new Error(`CreateTopic ${name} returned no ARN`);
  const { queueUrl, queueArn } = await createQueue(sqs, `${name}-sub`);
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  return { topicArn, queueUrl };
}

/**
 * Reads and deletes messages until `expected` have arrived (or, without `expected`, until one receive
 * comes back empty). Throws if `expected` are not there within `timeoutMs`, so a test never passes on
 * an empty queue by accident.
 */
export async function drainQueue(
  sqs: SQSClient,
  queueUrl: string,
  options: { expected?: number; timeoutMs?: number } = {},
): Promise<Message[]> {
  const { expected, timeoutMs = 10_000 } = options;
  const deadline = Date.now() + timeoutMs;
  const messages: Message[] = [];
  while (expected === undefined || messages.length < expected) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const batch = received.Messages ?? [];
    if (batch.length > 0) {
      messages.push(...batch);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    } else if (expected === undefined) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`drainQueue: ${messages.length} of ${expected} messages after ${timeoutMs} ms`);
    }
  }
  return messages;
}

/** The SNS envelope of a message delivered to SQS with raw delivery off. */
export interface SnsEnvelope {
  Type: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export function snsEnvelope(message: Message): SnsEnvelope {
  if (!message.Body) throw new Error('SQS message without a body');
  return JSON.parse(message.Body) as SnsEnvelope;
}

export async function putSecureString(ssm: SSMClient, name: string, value: string): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
}
