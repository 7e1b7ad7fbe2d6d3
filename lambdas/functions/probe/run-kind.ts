// Which run a probe invocation is: the health rounds (every minute, any event) or the inbound-shape run,
// whose own schedule rule sends INBOUND_SHAPE_RUN_EVENT as the input (lib/inbound-shape-probes.ts).
export const INBOUND_SHAPE_RUN_EVENT = { run: 'inbound-shapes' } as const;

export function isInboundShapeRun(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { run?: unknown }).run === INBOUND_SHAPE_RUN_EVENT.run;
}
