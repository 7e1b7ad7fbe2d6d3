// Bad input or configuration: the CLI prints the message as one line and exits 2.
import { MetisError } from '../lambdas/core/errors.ts';

export class UsageError extends MetisError {
  override readonly name = 'UsageError';
}
