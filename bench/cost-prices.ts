// AWS list prices the cost model (bench/cost-model.ts) multiplies with: us-east-1, on-demand, USD, as
// published in 2025/2026. Verify on the AWS pricing pages (aws.amazon.com/<service>/pricing) before
// quoting a figure: prices change and differ per region. No free tier is applied anywhere (a production
// account has usually spent it, and the Lambda / CloudWatch / DynamoDB always-free allowances are shared
// by everything else in the account).

/** Where and when these prices are from; printed in the report. */
export const PRICES_SOURCE = 'AWS list prices, us-east-1, on-demand, 2025/2026 (verify on the AWS pricing pages); no free tier';

// --- Lambda ---------------------------------------------------------------------------------------
/** Lambda compute, Arm (Graviton), per GB-second (first 6 billion GB-s a month tier). */
export const LAMBDA_ARM64_PER_GB_SECOND = 0.0000133334;
/** Lambda compute, x86_64, per GB-second: what Synthetics canaries run on. */
export const LAMBDA_X86_PER_GB_SECOND = 0.0000166667;
/**
 * Lambda gives a function CPU in proportion to its memory: at 1,769 MB the equivalent of one vCPU (AWS Lambda
 * developer guide, "Configuring function memory"). Below it, CPU-bound work takes 1,769 / MemorySize times its CPU time.
 */
export const LAMBDA_MB_PER_VCPU = 1_769;
/** Lambda requests: $0.20 per 1 million invocations. */
export const LAMBDA_PER_REQUEST = 0.2 / 1_000_000;

// --- CloudWatch -----------------------------------------------------------------------------------
/** Standard-resolution alarm (period >= 60 s): $0.10 per alarm metric per month. */
export const CW_ALARM_STANDARD_PER_METRIC_MONTH = 0.1;
/** High-resolution alarm (period 10 s or 30 s): $0.30 per alarm metric per month. */
export const CW_ALARM_HIGH_RES_PER_METRIC_MONTH = 0.3;
/** Custom metric (EMF or PutMetricData; high resolution costs the same), first 10,000 metrics: $0.30 per metric-month, pro-rated hourly. */
export const CW_CUSTOM_METRIC_PER_MONTH = 0.3;
/** Dashboard: $3.00 per dashboard per month (the free tier's first 3 dashboards are not applied). */
export const CW_DASHBOARD_PER_MONTH = 3;
/** CloudWatch API requests (e.g. ListTagsForResource from the router): $0.01 per 1,000 requests. */
export const CW_API_PER_REQUEST = 0.01 / 1_000;
/** CloudWatch Logs ingestion (standard class; Lambda logs' first vended-log tier is the same): $0.50 per GB. */
export const CW_LOGS_INGEST_PER_GB = 0.5;
/** CloudWatch Logs storage (archival): $0.03 per GB-month. */
export const CW_LOGS_STORAGE_PER_GB_MONTH = 0.03;
/** CloudWatch Synthetics: $0.0012 per canary run (the canary's Lambda, S3, logs and alarms are extra). */
export const SYNTHETICS_PER_CANARY_RUN = 0.0012;

// --- DynamoDB -------------------------------------------------------------------------------------
/** DynamoDB on-demand writes: $0.625 per million write request units (price cut of November 2024). */
export const DDB_PER_WRITE_REQUEST_UNIT = 0.625 / 1_000_000;
/** DynamoDB on-demand reads: $0.125 per million read request units (price cut of November 2024). */
export const DDB_PER_READ_REQUEST_UNIT = 0.125 / 1_000_000;
/** DynamoDB Standard table storage: $0.25 per GB-month. */
export const DDB_STORAGE_PER_GB_MONTH = 0.25;
/** DynamoDB continuous backups (point-in-time recovery): $0.20 per GB-month. */
export const DDB_PITR_PER_GB_MONTH = 0.2;

// --- S3 -------------------------------------------------------------------------------------------
/** S3 Standard PUT, COPY, POST, LIST requests (multipart parts included): $0.005 per 1,000. */
export const S3_PER_PUT_REQUEST = 0.005 / 1_000;
/** S3 Standard GET, SELECT and all other requests (HEAD included): $0.0004 per 1,000. */
export const S3_PER_GET_REQUEST = 0.0004 / 1_000;
/** S3 Standard storage, first 50 TB: $0.023 per GB-month. */
export const S3_STANDARD_PER_GB_MONTH = 0.023;

// --- KMS ------------------------------------------------------------------------------------------
/** KMS customer managed key: $1.00 per key per month (each automatic rotation adds $1 for the first two rotations; first year: $1). */
export const KMS_PER_KEY_MONTH = 1;
/** KMS symmetric requests (customer managed and AWS managed keys): $0.03 per 10,000. */
export const KMS_PER_REQUEST = 0.03 / 10_000;

// --- EventBridge, SNS, SQS ------------------------------------------------------------------------
/** EventBridge custom events put on an event bus: $1.00 per million (64 KB chunks). */
export const EVENTBRIDGE_PER_CUSTOM_EVENT = 1 / 1_000_000;
/** EventBridge AWS service events on the default bus (CloudWatch alarm state changes): free. */
export const EVENTBRIDGE_PER_AWS_SERVICE_EVENT = 0;
/** EventBridge scheduled rules (rate / cron on the default bus): free. */
export const EVENTBRIDGE_PER_SCHEDULED_INVOCATION = 0;
/** SNS standard topic publishes: $0.50 per million requests. */
export const SNS_PER_PUBLISH = 0.5 / 1_000_000;
/** SNS e-mail deliveries: $2.00 per 100,000 notifications. */
export const SNS_PER_EMAIL = 2 / 100_000;
/** Data transfer between AWS regions (a vantage's reports to the home bus): $0.02 per GB out of the sending region. */
export const DATA_TRANSFER_INTER_REGION_PER_GB = 0.02;
/** SQS standard queue requests: $0.40 per million. */
export const SQS_PER_REQUEST = 0.4 / 1_000_000;

// --- Second-round alternatives (priced in bench/vantage-cost.ts, not deployed) ----------------------
/** Step Functions Express workflows: $1.00 per million requests. */
export const SFN_EXPRESS_PER_REQUEST = 1 / 1_000_000;
/** Step Functions Express duration: $0.00001667 per GB-second (first 1,000 GB-hours), memory billed in 64 MB chunks. */
export const SFN_EXPRESS_PER_GB_SECOND = 0.00001667;
/** EventBridge Scheduler: $1.00 per million scheduled invocations (one-time schedules included). */
export const SCHEDULER_PER_INVOCATION = 1 / 1_000_000;
