// How many cases a long property run tries. The slow project (npm run test:slow, which CI runs last) sets
// METIS_FULL_PROPERTY_RUNS=1 and runs these files with the full count; the unit project runs a tenth
// (at least 200), so a developer's run still checks every property without waiting for thousands of cases.
export function propertyRuns(full: number): number {
  return process.env.METIS_FULL_PROPERTY_RUNS === '1' ? full : Math.max(200, Math.round(full / 10));
}
