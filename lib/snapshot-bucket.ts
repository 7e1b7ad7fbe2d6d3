// The bucket the shipper uploads trace-DB snapshots to (docs/architecture.md, Snapshot shipping): encrypted, TLS-only, no
// public access, versioned with old versions expiring, plus the shipper's least-privilege policy.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SnapshotBucketProps {
  /** Key prefix the shipper writes `latest.db.gz` under. */
  readonly prefix: string;
  /**
   * How long replaced snapshot versions are kept (a corrupt upload can be compared with the ones before
   * it). A day of minute-by-minute versions is most of the bucket's bill, so no longer by default.
   * @default Duration.days(1)
   */
  readonly keepOldVersions?: Duration;
  /**
   * Replaced versions kept whatever their age, so a shipper that stopped days ago still leaves the last
   * ones to compare with.
   * @default 60
   */
  readonly alwaysKeepVersions?: number;
}

export class SnapshotBucket extends Construct {
  readonly bucket: Bucket;
  /** Object key of the newest snapshot. */
  readonly snapshotKey: string;
  /** Attach to the shipper's role or user: s3:PutObject on the prefix, nothing else. */
  readonly shipperPolicy: ManagedPolicy;
  readonly shipperPolicyDocument: PolicyDocument;

  constructor(scope: Construct, id: string, props: SnapshotBucketProps) {
    super(scope, id);
    this.snapshotKey = `${props.prefix}/latest.db.gz`;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-old-snapshots',
          noncurrentVersionExpiration: props.keepOldVersions ?? Duration.days(1),
          noncurrentVersionsToRetain: props.alwaysKeepVersions ?? 60,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // The snapshots are copies of the gateway's own DB; keep them if the stack goes (they may hold evidence).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'One writer (the shipper) overwrites one object every 1-5 minutes and one reader (trace-check) reads it; server access ' +
        'logs would cost more than the data they describe. Use CloudTrail S3 data events if an audit trail is required.',
    });

    this.shipperPolicyDocument = new PolicyDocument({
      statements: [
        new PolicyStatement({
          sid: 'UploadTraceDbSnapshot',
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects(`${props.prefix}/*`)],
        }),
      ],
    });
    this.shipperPolicy = new ManagedPolicy(this, 'ShipperPolicy', {
      description: `metis-alerts snapshot shipper: upload ${props.prefix}/latest.db.gz, nothing else`,
      document: this.shipperPolicyDocument,
    });
    Validations.of(this.shipperPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/${props.prefix}/*]`,
      reason: 'The shipper writes under its own prefix only (latest.db.gz, and a temporary key during a multipart upload).',
    });
  }
}
