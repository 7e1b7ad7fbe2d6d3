// The long run of prompt-exposure-carriers.property.test.ts: many more prompts per carrier.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { CARRIERS, checkCarrier, PROMPT } from './prompt-carriers.ts';

describe('prompt_exposure in every carrier, never quoted on the wire (long run)', () => {
  it.each(Object.keys(CARRIERS))(
    '%s',
    async (carrier) => {
      await fc.assert(
        fc.asyncProperty(PROMPT, (prompt) => checkCarrier(carrier, prompt)),
        { numRuns: 60 },
      );
    },
    600_000,
  );
});
