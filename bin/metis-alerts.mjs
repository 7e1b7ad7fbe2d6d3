#!/usr/bin/env node
// CLI entry: loads the TypeScript sources through tsx so a checkout works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
