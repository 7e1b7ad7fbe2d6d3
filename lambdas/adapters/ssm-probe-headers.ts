// Request headers for authenticated health endpoints (`headersFromSsm`: header -> SSM parameter name),
// read as decrypted SecureStrings through Powertools' SSMProvider and cached for `maxAgeSeconds`, so the
// probe's two rounds a minute call SSM at most every 5 minutes and pick up a rotated value without a
// redeploy. Values never appear in errors or logs: only parameter names do.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { MetisError } from '../core/errors.ts';
import { asError } from '../core/errors.ts';

export interface SsmProbeHeadersOptions {
  readonly client: SSMClient;
  /** @default 300 */
  readonly maxAgeSeconds?: number;
}

/** A header parameter could not be read: names the parameter and the SDK error (as `cause`), never a value. */
export class ProbeHeadersError extends MetisError {
  override readonly name = 'ProbeHeadersError';
  constructor(
    readonly parameterName: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read SSM parameter ${parameterName} for a probe header: ${reason}`, options);
  }
}

export class SsmProbeHeaders {
  private readonly provider: SSMProvider;
  private readonly maxAgeSeconds: number;

  constructor(options: SsmProbeHeadersOptions) {
    this.provider = new SSMProvider({ awsSdkV3Client: options.client });
    this.maxAgeSeconds = options.maxAgeSeconds ?? 300;
  }

  /** `{ header: value }` for one target's `headersFromSsm`; `{}` without it. Throws ProbeHeadersError. */
  async headersFor(headersFromSsm: Readonly<Record<string, string>> | undefined): Promise<Record<string, string>> {
    const entries = Object.entries(headersFromSsm ?? {});
    const values = await Promise.all(entries.map(([, parameter]) => this.read(parameter)));
    return Object.fromEntries(entries.map(([header], i) => [header, values[i]!]));
  }

  private async read(parameterName: string): Promise<string> {
    let value: unknown;
    try {
      value = await this.provider.get(parameterName, { decrypt: true, maxAge: this.maxAgeSeconds, throwOnMissing: true });
    } catch (error) {
      const reason =
        error instanceof ParameterNotFoundError || causeName(error) === 'ParameterNotFound'
          ? 'parameter not found'
          : (causeName(error) ?? asError(error).name);
      throw new ProbeHeadersError(parameterName, reason, { cause: error });
    }
    if (typeof value !== 'string' || value === '') throw new ProbeHeadersError(parameterName, 'empty value');
    return value;
  }
}

function causeName(error: unknown): string | undefined {
  const cause = (error as { cause?: { name?: unknown } } | undefined)?.cause;
  return typeof cause?.name === 'string' ? cause.name : undefined;
}
