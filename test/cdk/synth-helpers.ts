// Shared by the CDK tests: build the stack the way bin/app.ts does (same feature flags as cdk.json),
// and small readers over the synthesized template (statementFor also checks the statement is unique).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { parseConfig, type Config } from '../../lambdas/core/config.ts';
import { MetisAlertsStack } from '../../lib/metis-alerts-stack.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EXAMPLE_CONFIG_PATH = `${REPO_ROOT}metis-alerts.config.example.json`;

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The feature flags `cdk synth` applies, so tests see the template the CLI would deploy. */
export function cdkJsonContext(): Record<string, unknown> {
  return (readJson(`${REPO_ROOT}cdk.json`) as { context: Record<string, unknown> }).context;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: MetisAlertsStack;
  readonly config: Config;
  readonly template: Template;
}

/**
 * cdk.json's context, without esbuild: these tests read templates, and bundling every function again for
 * each new App (CDK's asset cache is per output directory) was most of the suite's time. The bundles
 * are built by app.test.ts (bin/app.ts as `cdk synth` runs it) and run by the integration bundle tests.
 */
export function testAppContext(): Record<string, unknown> {
  return { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] };
}

/** Build an app and the stack from raw config JSON; `beforeApp` may register validation plugins. */
export function buildStack(
  rawConfig: unknown,
  beforeApp?: (app: App) => void,
  options: { bundle?: boolean } = {},
): Omit<Synthesized, 'template'> {
  const app = new App({ context: options.bundle ? cdkJsonContext() : testAppContext() });
  beforeApp?.(app);
  const config = parseConfig(rawConfig);
  const stack = new MetisAlertsStack(app, config.name, { config });
  return { app, stack, config };
}

/** `bundle`: build the Lambda assets with esbuild too, for a test that reads the bundled code. */
export function synthesize(rawConfig: unknown, options: { bundle?: boolean } = {}): Synthesized {
  const built = buildStack(rawConfig, undefined, options);
  return { ...built, template: Template.fromStack(built.stack) };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface CfnResource {
  Type: string;
  Properties: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** The one resource of a type whose logical id starts with the construct path's prefix, e.g. 'RouterLambdaFunction'. */
export function resource(template: Template, type: string, logicalIdPrefix: string): { id: string; resource: CfnResource } {
  const matches = Object.entries(template.findResources(type) as Record<string, CfnResource>).filter(([id]) =>
    id.startsWith(logicalIdPrefix),
  );
  if (matches.length !== 1) throw new Error(`expected one ${type} with id ${logicalIdPrefix}*, found ${matches.length}`);
  const [id, found] = matches[0]!;
  return { id, resource: found };
}

export function logicalId(template: Template, type: string, logicalIdPrefix: string): string {
  return resource(template, type, logicalIdPrefix).id;
}

/** The environment variables of the one function whose logical id starts with `logicalIdPrefix`. */
export function functionEnvironment(template: Template, logicalIdPrefix: string): Record<string, Json> {
  const fn = resource(template, 'AWS::Lambda::Function', logicalIdPrefix).resource;
  return (fn.Properties.Environment as { Variables: Record<string, Json> }).Variables;
}

/**
 * Render an intrinsic as text so ARNs can be compared: {Ref: X} -> ${X}, GetAtt -> ${X.Attr}, Join -> concatenation.
 */
export function render(value: Json | undefined): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('Ref' in value) return `\${${String(value.Ref)}}`;
    if ('Fn::GetAtt' in value) return `\${${(value['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'] as [string, Json[]];
      return parts.map(render).join(separator);
    }
  }
  return JSON.stringify(value);
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Principal?: Json;
  Condition?: Record<string, Record<string, Json>>;
}

export function actionsOf(statement: Statement): string[] {
  return ([] as string[]).concat(statement.Action).sort();
}

export function resourcesOf(statement: Statement): string[] {
  return ([] as Json[]).concat(statement.Resource).map(render).sort();
}

/** The one statement that grants `action` (expects exactly one). */
export function statementFor(statements: Statement[], action: string): Statement {
  const found = statements.filter((s) => actionsOf(s).includes(action));
  expect(found, action).toHaveLength(1);
  return found[0]!;
}
