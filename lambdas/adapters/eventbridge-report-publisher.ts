// Detectors hand their evaluation reports to the router through the custom EventBridge bus
// (docs/architecture.md, Data flow: detectors never notify anyone themselves).
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import type { ReportPublisher } from '../core/ports.ts';
import type { EvaluationReport } from '../core/signal.ts';
import { utf8Bytes } from './truncate.ts';
import { MetisError } from '../core/errors.ts';
import { errorSummary } from '../core/errors.ts';

import { REPORT_DETAIL_TYPE, REPORT_SOURCE_PREFIX } from '../core/constants.ts';

export { REPORT_DETAIL_TYPE, REPORT_SOURCE_PREFIX };
/** PutEvents entry limit (Time, Source, DetailType, Detail and Resources, in UTF-8 bytes). */
export const MAX_ENTRY_BYTES = 256 * 1024;

export class ReportPublishError extends MetisError {
  override readonly name = 'ReportPublishError';
}

export interface EventBridgeReportPublisherOptions {
  readonly client: EventBridgeClient;
  /** Name (or ARN) of the custom bus. */
  readonly eventBusName: string;
}

export class EventBridgeReportPublisher implements ReportPublisher {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;

  constructor(options: EventBridgeReportPublisherOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
  }

  /**
   * Throws ReportPublishError if the report is too large or EventBridge does not accept it, so the
   * detector's invocation fails visibly. A report is never split: the router resolves what `healthy`
   * names, and a report cut in two would pair one half's evidence with the other half's silence.
   */
  async publish(report: EvaluationReport): Promise<void> {
    const entry: PutEventsRequestEntry = {
      EventBusName: this.eventBusName,
      Source: `${REPORT_SOURCE_PREFIX}${report.source}`,
      DetailType: REPORT_DETAIL_TYPE,
      Detail: JSON.stringify(report),
    };
    const evaluatedAt = new Date(report.evaluatedAt);
    if (!Number.isNaN(evaluatedAt.getTime())) entry.Time = evaluatedAt;

    const size = entrySize(entry);
    if (size > MAX_ENTRY_BYTES) {
      throw new ReportPublishError(
        `evaluation report from ${report.source} is ${size} bytes, over EventBridge's ${MAX_ENTRY_BYTES}-byte limit ` +
          `(${report.signals.length} signals); trim signal details at the detector`,
      );
    }

    let result: PutEventsCommandOutput;
    try {
      result = await this.client.send(new PutEventsCommand({ Entries: [entry] }));
    } catch (error) {
      throw new ReportPublishError(`PutEvents to ${this.eventBusName} failed: ${errorSummary(error)}`, {
        cause: error,
      });
    }
    if ((result.FailedEntryCount ?? 0) > 0) {
      const failed = result.Entries?.find((e) => e.ErrorCode);
      throw new ReportPublishError(
        `EventBridge rejected the evaluation report from ${report.source} on ${this.eventBusName}: ` +
          `${failed?.ErrorCode ?? 'unknown error'}${failed?.ErrorMessage ? ` (${failed.ErrorMessage})` : ''}`,
      );
    }
  }
}

/** Entry size as EventBridge computes it: 14 bytes for Time plus the UTF-8 bytes of the strings. */
function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) size += utf8Bytes(text);
  }
  return size;
}
