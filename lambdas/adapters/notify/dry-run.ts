// Transports for the CLI and the demo: they deliver nothing and succeed, after handing every request to
// the wire tap exactly as the real transports would (a placeholder stands for each secret, masked).
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Sink } from '../../core/incident.ts';
import type { SinkSecret, SinkTransports } from '../../core/notify/spec.ts';
import { SnsPublisher } from '../sns-publisher.ts';
import { HttpTransport } from './http-transport.ts';
import type { WireTap } from './wire-log.ts';

/** What a dry run puts where a secret goes; the wire log masks it like a real one. */
const DRY_RUN_SECRET = 'dry-run-secret-0000000000000000';
const DRY_RUN_URL = 'https://dry-run.invalid/integrations/dry-run-token-00000000';

// An id too, so a sink that keeps the id of what it created (Statuspage) updates it later in the replay.
const accepted: typeof fetch = async () => new Response('{"status":"success","message":"dry run","id":"dryrun000000"}', { status: 202 });
const snsAccepted = { send: async () => ({ MessageId: 'dry-run' }) } as unknown as Pick<SNSClient, 'send'>;

export function dryRunTransports(wire?: WireTap): SinkTransports {
  return {
    publisher: new SnsPublisher({
      client: snsAccepted,
      topics: {
        page: 'arn:aws:sns:us-east-1:000000000000:dry-run-page',
        'page-secondary': 'arn:aws:sns:us-east-1:000000000000:dry-run-page-secondary',
        chatops: 'arn:aws:sns:us-east-1:000000000000:dry-run-chatops',
      },
      ...(wire ? { wire } : {}),
    }),
    http: (sink: Sink, { kind }: SinkSecret) =>
      new HttpTransport({
        sink,
        // Sinks whose URL is the secret get a placeholder URL; the others a placeholder key.
        secret: async () => (kind === 'url' ? DRY_RUN_URL : DRY_RUN_SECRET),
        fetch: accepted,
        maxAttempts: 1,
        ...(wire ? { wire } : {}),
      }),
  };
}
