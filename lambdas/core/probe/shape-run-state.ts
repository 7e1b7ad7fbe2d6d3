// What one inbound-shape run leaves for the next (runs are minutes apart, separate invocations): per shape,
// how many judged runs in a row it failed. gateway_down needs every shape failing two runs in a row. Kept as
// its own item in the incident table (the health rounds write theirs concurrently). Pure: parse and shape only.
import { z } from 'zod';
import { InvalidProbeStateError } from './probe-state.ts';

/** The incident-table key of the shape run's state item (no `status` attribute, so incident scans skip it). */
export const SHAPE_RUN_STATE_KEY = 'probe-state#shapes';

const shapeStateSchema = z.object({
  /** The last run that judged this shape (ISO-8601 UTC). */
  at: z.iso.datetime(),
  /** Judged runs in a row that failed, up to `at`; 0 once it answers. */
  failedRuns: z.int().nonnegative(),
});

export const shapeRunStateSchema = z.object({ shapes: z.record(z.string(), shapeStateSchema) });

export type ShapeRunState = z.output<typeof shapeRunStateSchema>;

export const EMPTY_SHAPE_RUN_STATE: ShapeRunState = { shapes: {} };

/** A stored item's `shapes` -> ShapeRunState; throws InvalidProbeStateError naming the bad path. */
export function parseShapeRunState(raw: unknown): ShapeRunState {
  const parsed = shapeRunStateSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidProbeStateError(`shape run state: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
