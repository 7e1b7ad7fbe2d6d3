// AWS failures an operator can fix, as one line saying what is missing and how to give it. Anything else
// is left to the caller (a bug is exit 1, not dressed up as bad input).
import { errorMessage } from '../lambdas/core/errors.ts';
import { UsageError } from './errors.ts';

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH'];

export function explainAwsError(error: unknown): UsageError | undefined {
  // Adapters wrap SDK errors (e.g. ReportPublishError): the cause says what went wrong.
  const cause = (error as { cause?: unknown })?.cause;
  const fromCause = cause === undefined ? undefined : explainAwsError(cause);
  if (fromCause) return fromCause;
  const name = (error as { name?: string })?.name ?? '';
  const code = (error as { code?: string })?.code ?? '';
  const message = errorMessage(error).split('\n')[0] ?? '';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return new UsageError('no AWS credentials: set AWS_PROFILE (after aws sso login) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY');
  if (/region is missing|region not accepted/i.test(message))
    return new UsageError('no AWS region: pass --region REGION or set AWS_REGION (or a region in your AWS_PROFILE)');
  if (NETWORK_CODES.includes(code) || name === 'TimeoutError' || /getaddrinfo|connect ECONNREFUSED|socket hang up/i.test(message))
    return new UsageError(`cannot reach AWS (${code || name}): check the network, --region and AWS_ENDPOINT_URL`);
  if (
    [
      'UnrecognizedClientException',
      'InvalidClientTokenId',
      'ExpiredTokenException',
      'ExpiredToken',
      'InvalidSignatureException',
      'SignatureDoesNotMatch',
    ].includes(name)
  )
    return new UsageError(`AWS refused the credentials (${name}): renew them (aws sso login) or pick another AWS_PROFILE`);
  return undefined;
}
