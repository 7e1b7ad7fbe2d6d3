// The probe's adapters from its environment and clients: what index.ts runs and the tests exercise.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { HttpProber } from '../../adapters/http-prober.ts';
import { SsmProbeHeaders } from '../../adapters/ssm-probe-headers.ts';
import type { DetectorRuntime } from '../commons/runtime.ts';
import type { ProbeEnvironment } from './env.ts';
import type { ProbeHandlerDeps } from './handler.ts';

export interface ProbeClients {
  ssm: SSMClient;
}

export interface ProbeRuntime extends DetectorRuntime {
  /** Waits between the two rounds (node:timers/promises setTimeout in the Lambda). */
  sleep: (ms: number) => Promise<void>;
}

export function buildProbeDeps(env: ProbeEnvironment, clients: ProbeClients, runtime: ProbeRuntime): ProbeHandlerDeps {
  const prober = new HttpProber();
  const ssmHeaders = new SsmProbeHeaders({ client: clients.ssm });
  return {
    targets: env.PROBE_TARGETS,
    probe: (call) => prober.probe(call),
    headers: (headersFromSsm) => ssmHeaders.headersFor(headersFromSsm),
    ...runtime,
    spacingMs: env.PROBE_SPACING_MS,
  };
}
