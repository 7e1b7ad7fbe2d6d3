// The optimistic-locking pieces every DynamoDB store of the incident table shares: the condition of a
// versioned put and the one error that means "lost the race" rather than "failed".
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { asError } from '../core/errors.ts';

/** Create only if the key is absent; otherwise update only from the version that was read. */
export function versionCondition(expectedVersion: number | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, number>;
} {
  return expectedVersion === undefined
    ? { ConditionExpression: 'attribute_not_exists(dedupKey)' }
    : {
        ConditionExpression: '#v = :expected',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
}

/** A failed condition: an expected outcome (another writer was first), never an error to surface. */
export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || asError(error).name === 'ConditionalCheckFailedException';
}
