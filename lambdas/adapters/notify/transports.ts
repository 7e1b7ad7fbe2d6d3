// Real transports for the notifier registry: one HttpTransport per HTTP sink (its secret read from its
// own SSM SecureString) and the SNS publisher for the page and chatops topics.
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Sink } from '../../core/incident.ts';
import type { SinkSecret, SinkTransports } from '../../core/notify/spec.ts';
import type { NotificationPublisher } from '../../core/notify/ports.ts';
import { HttpTransport, type HttpTransportOptions } from './http-transport.ts';
import { SsmSecret } from './ssm-secret.ts';
import type { WireTap } from './wire-log.ts';

export interface TransportOptions {
  readonly ssm: SSMClient;
  readonly publisher: NotificationPublisher;
  readonly wire?: WireTap;
  /** Seconds a decrypted secret is cached. @default 300 */
  readonly secretMaxAgeSeconds?: number;
  /** Retry tuning and fetch, e.g. for tests. */
  readonly http?: Omit<HttpTransportOptions, 'sink' | 'secret' | 'wire'>;
}

export function awsTransports(options: TransportOptions): SinkTransports {
  return {
    publisher: options.publisher,
    http: (sink: Sink, { parameter }: SinkSecret) =>
      new HttpTransport({
        ...options.http,
        sink,
        secret: new SsmSecret({
          client: options.ssm,
          parameterName: parameter,
          maxAgeSeconds: options.secretMaxAgeSeconds ?? 300,
        }).asProvider(),
        ...(options.wire ? { wire: options.wire } : {}),
      }),
  };
}
