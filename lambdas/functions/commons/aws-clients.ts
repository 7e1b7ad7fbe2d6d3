// Options of the real SDK clients the Lambda entries build. The SDK reads region, credentials and an
// endpoint override (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) from the environment by itself; S3
// additionally needs path-style addressing when the endpoint is overridden: an emulator (moto in the
// integration tests) has no per-bucket host names, and forcePathStyle has no environment variable.
import type { S3ClientConfig } from '@aws-sdk/client-s3';

export function s3ClientConfig(env: Record<string, string | undefined>): S3ClientConfig {
  return env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {};
}
