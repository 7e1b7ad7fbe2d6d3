// Writes metis-alerts.config.schema.json (editor completion for the config file) from the same zod
// definition that validates the config at synth time and CLI start, so the two cannot drift.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../lambdas/core/config.ts';

const target = fileURLToPath(new URL('../metis-alerts.config.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
