// A sink secret (PagerDuty routing key, Opsgenie API key, Splunk On-Call or webhook URL), read from an
// SSM SecureString (never from env vars,
// templates or logs). Powertools' SSMProvider caches the decrypted value for `maxAgeSeconds`, so a warm
// router calls SSM at most every 5 minutes and picks up a rotated key without a redeploy.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { errorMessage } from '../../core/errors.ts';

export interface SsmSecretOptions {
  readonly client: SSMClient;
  /** Name of the SecureString parameter the operator created, e.g. /metis-alerts/pagerduty/routing-key */
  readonly parameterName: string;
  /** @default 300 */
  readonly maxAgeSeconds?: number;
}

export class SsmSecret {
  private readonly provider: SSMProvider;
  private readonly parameterName: string;
  private readonly maxAgeSeconds: number;

  constructor(options: SsmSecretOptions) {
    this.provider = new SSMProvider({ awsSdkV3Client: options.client });
    this.parameterName = options.parameterName;
    this.maxAgeSeconds = options.maxAgeSeconds ?? 300;
  }

  /**
   * The decrypted key, or undefined when the parameter does not exist (the caller reports a config
   * problem). Any other failure (AccessDenied, KMS, throttling) throws with the parameter's name and
   * the SDK error as `cause`; the value never appears in an error.
   */
  async get(): Promise<string | undefined> {
    try {
      const value = await this.provider.get(this.parameterName, {
        decrypt: true,
        maxAge: this.maxAgeSeconds,
        throwOnMissing: true,
      });
      return typeof value === 'string' ? value : undefined;
    } catch (error) {
      if (error instanceof ParameterNotFoundError || causeName(error) === 'ParameterNotFound') return undefined;
      throw new Error(`cannot read SSM parameter ${this.parameterName}: ${causeName(error) ?? errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  /** The provider as the function HttpTransport expects. */
  asProvider(): () => Promise<string | undefined> {
    return () => this.get();
  }
}

function causeName(error: unknown): string | undefined {
  const cause = (error as { cause?: { name?: unknown } } | undefined)?.cause;
  return typeof cause?.name === 'string' ? cause.name : undefined;
}
