// The intake's memory of what it has already handled: a provider event id, a webhook delivery id, an ack
// link's id. Implemented in the incident table (adapters/dynamodb-seen-ids.ts).

export interface SeenIds {
  /** Records `id` unless already recorded: true for the one caller that may act on it. `expiresAt`: epoch seconds. */
  claim(id: string, expiresAt: number): Promise<boolean>;
  /** Forgets a claim whose action could not be written, so the provider's retry is not refused as a replay. */
  release(id: string): Promise<void>;
}

/** Signs the ack link a page carries (adapters/ssm-ack-links.ts); undefined when it cannot (the page goes out without). */
export interface AckLinks {
  linkFor(dedupKey: string, episode: number, now: Date): Promise<string | undefined>;
}
