// What a handler gets besides its AWS clients: the logger and the clock (and, for detectors, where metric
// points go). The entry passes the real ones; tests pass a collecting logger and a fixed clock.
import type { Logger } from '../../core/logger.ts';
import type { MetricsPublisher } from '../../core/metric-point.ts';

export interface Runtime {
  logger: Logger;
  clock: () => Date;
}

export interface DetectorRuntime extends Runtime {
  metrics: MetricsPublisher;
}
