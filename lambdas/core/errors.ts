// One error base for the project's own failures, and the narrowing every `catch` uses instead of casting:
// a thrown value may be anything (a string, an SDK's plain object), and a bad cast turns a clear error
// into "cannot read properties of undefined" at 3 a.m.

/**
 * Base of the project's named errors: `new XError(message, { cause })` keeps the original failure. Each
 * subclass states its `name` (the Lambda bundles are minified, so a constructor's own name is not kept).
 */
export abstract class MetisError extends Error {
  abstract override readonly name: string;
}

/** Narrows what a `catch` caught: an Error as is, anything else wrapped (its text as the message, the value as `cause`). */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (thrown !== null && typeof thrown === 'object' && typeof (thrown as { message?: unknown }).message === 'string') {
    const like = thrown as { name?: unknown; message: string };
    const error = new Error(like.message, { cause: thrown });
    if (typeof like.name === 'string') error.name = like.name;
    return error;
  }
  return new Error(String(thrown), { cause: thrown });
}

/** The message of whatever was thrown. */
export function errorMessage(thrown: unknown): string {
  return asError(thrown).message;
}

/** `Name: message` of whatever was thrown (SDK errors say what failed in their name, e.g. ResourceNotFoundException). */
export function errorSummary(thrown: unknown): string {
  const error = asError(thrown);
  return `${error.name}: ${error.message}`;
}
