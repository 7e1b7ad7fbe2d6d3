// One CloudWatch datapoint as the detectors describe it (pure data); lambdas/adapters/emf-publisher.ts
// writes it as Embedded Metric Format.

export type MetricUnit = 'Percent' | 'None' | 'Milliseconds' | 'Seconds' | 'Count';

/** 1 = high resolution (sub-minute alarm periods), 60 = standard. */
export type StorageResolution = 1 | 60;

export interface MetricPoint {
  name: string;
  unit: MetricUnit;
  value: number;
  /** Besides Powertools' `service`. */
  dimensions?: Record<string, string>;
  /** @default 60 */
  storageResolution?: StorageResolution;
  /** When the datapoint belongs (e.g. a probe's start, so round 2 lands in the next 30 s period). @default publish time */
  timestamp?: Date;
}

/** What a handler hands its metric points to. */
export type MetricsPublisher = (points: MetricPoint[]) => void;
