// cdk-nag v3 AwsSolutions registered the way bin/app.ts does it, and what the nag tests read back: the
// unacknowledged findings, the acknowledgements the constructs carry, the functions of a checked synth.
import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { expect } from 'vitest';

/** Pass as buildStack's `beforeApp`: registers the AwsSolutions pack on the app, as bin/app.ts does. */
export function withAwsSolutions(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Every unacknowledged AwsSolutions finding in the app, as `rule at construct path`. */
export function findings(app: App): string[] {
  return new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: unknown;
}

/** Every acknowledgement on a construct of the app, with the construct's path and the reason given. */
export function acknowledgements(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** Each acknowledgement's reason is a string of more than 40 characters (trimmed). */
export function expectReasons(acks: Acknowledgement[]): void {
  for (const ack of acks) {
    expect(typeof ack.reason, `${ack.id} at ${ack.path}`).toBe('string');
    expect((ack.reason as string).trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThan(40);
  }
}

/**
 * Synthesizes the app (with the plugin registered, synth throws ValidationFailed on any finding) and returns
 * the logical ids of the stack's Lambda functions, those starting with `idPrefix` only when given.
 */
export function synthesizedFunctionIds(app: App, stack: Stack, idPrefix = ''): string[] {
  const template = app.synth().getStackArtifact(stack.artifactId).template as { Resources: Record<string, { Type: string }> };
  return Object.entries(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(idPrefix))
    .map(([id]) => id);
}
