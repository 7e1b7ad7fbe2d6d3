// Reads the shipper's trace-DB snapshot from S3 (docs/architecture.md, Snapshot shipping) with its metadata. A HEAD first lets
// a warm Lambda keep the database it already opened while the ETag is unchanged, and still read the
// metadata of every upload (the same bytes can be re-shipped with a new taken-at and disk usage).
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SnapshotFetch, SnapshotSource } from '../core/ports.ts';
import type { SnapshotMeta } from '../core/trace-db/context.ts';

export interface S3SnapshotSourceOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** e.g. `metis/latest.db.gz` */
  readonly key: string;
}

export class S3SnapshotSource implements SnapshotSource {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly key: string;

  constructor(options: S3SnapshotSourceOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.key = options.key;
  }

  get location(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  /** The object, or `unchanged` when its ETag still equals `knownEtag`, or `missing`. Other errors throw. */
  async fetch(knownEtag?: string): Promise<SnapshotFetch> {
    try {
      if (knownEtag) {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key }));
        if (head.ETag === knownEtag) return { kind: 'unchanged', etag: knownEtag, meta: parseShipperMetadata(head.Metadata ?? {}) };
      }
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
      return {
        kind: 'object',
        bytes,
        etag: response.ETag,
        meta: parseShipperMetadata(response.Metadata ?? {}),
        ...(response.LastModified ? { lastModified: response.LastModified.toISOString() } : {}),
      };
    } catch (error) {
      const name = (error as { name?: string }).name;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (name === 'NoSuchKey' || name === 'NotFound' || status === 404)
        return { kind: 'missing', message: `no snapshot at ${this.location}` };
      throw new Error(`cannot read the snapshot ${this.location}: ${name ?? String(error)}`, { cause: error });
    }
  }
}

/** The shipper's object metadata (`taken-at`, `volume-used-pct`, ...) as the engine's SnapshotMeta; bad values are dropped. */
/** The S3 metadata keys the shipper writes (without `x-amz-meta-`), all read by parseShipperMetadata. */
export const SHIPPER_METADATA_KEYS = [
  'taken-at',
  'volume-used-pct',
  'source-bytes',
  'wal-bytes',
  'integrity',
  'snapshot-bytes',
  'window-hours',
  'quick-check-at',
  'window-from',
  'last-backup-at',
  'last-backup-error',
] as const;

export function parseShipperMetadata(metadata: Record<string, string>): SnapshotMeta {
  const meta: SnapshotMeta = {};
  const takenAt = metadata['taken-at'];
  if (takenAt && !Number.isNaN(Date.parse(takenAt))) meta.takenAt = takenAt;
  const number = (key: string): number | undefined => {
    const value = metadata[key];
    if (value === undefined || value.trim() === '') return undefined;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  const volume = number('volume-used-pct');
  if (volume !== undefined) meta.volumeUsedPct = volume;
  const source = number('source-bytes');
  if (source !== undefined) meta.sourceBytes = source;
  const wal = number('wal-bytes');
  if (wal !== undefined) meta.walBytes = wal;
  if (metadata.integrity) meta.integrity = metadata.integrity;
  // Bounded snapshots (docs/snapshot-format.md).
  const snapshotBytes = number('snapshot-bytes');
  if (snapshotBytes !== undefined) meta.snapshotBytes = snapshotBytes;
  const windowHours = number('window-hours');
  if (windowHours !== undefined) meta.windowHours = windowHours;
  for (const [header, field] of [
    ['quick-check-at', 'quickCheckAt'],
    ['window-from', 'windowFrom'],
    ['last-backup-at', 'lastBackupAt'],
  ] as const) {
    const value = metadata[header];
    if (value && !Number.isNaN(Date.parse(value))) meta[field] = value;
  }
  if (metadata['last-backup-error']) meta.lastBackupError = metadata['last-backup-error'];
  return meta;
}
