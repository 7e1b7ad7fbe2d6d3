// Property: a generated prompt in any carrier (prompt-carriers.ts) raises SEV1 prompt_exposure, and the
// wire log of the routed result (every sink, dry-run) never holds a piece of it. A modest run here; the
// long run is prompt-exposure-carriers.slow.test.ts.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { CARRIERS, checkCarrier, PROMPT } from './prompt-carriers.ts';

describe('prompt_exposure in every carrier, never quoted on the wire', () => {
  it.each(Object.keys(CARRIERS))('%s', async (carrier) => {
    await fc.assert(
      fc.asyncProperty(PROMPT, (prompt) => checkCarrier(carrier, prompt)),
      { numRuns: 5 },
    );
  });
});
