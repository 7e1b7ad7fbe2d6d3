// Signs the ack links pages carry, with the key the operator keeps in SSM (the same parameter the ack
// intake verifies with). During a rotation the parameter holds the old and the new key, one per line:
// links are signed with the last one, and the intake accepts either until the old one is removed.
import { randomBytes } from 'node:crypto';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { signAckLink } from '../core/human/ack-link.ts';
import type { AckLinks } from '../core/human/ports.ts';
import { secretsOf } from '../core/human/secrets.ts';
import { SsmSecret } from './notify/ssm-secret.ts';

export interface SsmAckLinksOptions {
  readonly client: SSMClient;
  readonly parameterName: string;
  /** The intake's function URL (its base; `/ack/<token>` is appended). */
  readonly baseUrl: string;
  readonly lifetimeMinutes: number;
}

export class SsmAckLinks implements AckLinks {
  private readonly secret: SsmSecret;

  constructor(private readonly options: SsmAckLinksOptions) {
    this.secret = new SsmSecret({ client: options.client, parameterName: options.parameterName });
  }

  async linkFor(dedupKey: string, episode: number, now: Date): Promise<string | undefined> {
    const key = secretsOf(await this.secret.get()).at(-1);
    if (!key) return undefined;
    const token = signAckLink({ dedupKey, episode }, key, now, randomBytes(12).toString('base64url'), this.options.lifetimeMinutes);
    return `${this.options.baseUrl.replace(/\/+$/, '')}/ack/${token}`;
  }
}
