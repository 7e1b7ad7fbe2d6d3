// The names the home stack and the probe vantage stacks agree on. CloudFormation exports cannot cross
// regions, so each side computes the other's names from the config instead of referencing them.

/** The home stack's report bus. */
export function homeBusName(namePrefix: string): string {
  return `${namePrefix}-bus`;
}

/** The probe stack of one extra vantage region. */
export function vantageStackName(namePrefix: string, region: string): string {
  return `${namePrefix}-probe-${region}`;
}

/** The vantage probe's role: IAM names are global, so the region is part of it; the home bus's policy names it. */
export function vantageRoleName(namePrefix: string, region: string): string {
  return `${namePrefix}-probe-${region}`;
}

/** The vantage probe's log group (the same name in each vantage region): the home dashboard queries it there. */
export function vantageLogGroupName(namePrefix: string): string {
  return `/metis-alerts/${namePrefix}/probe`;
}
