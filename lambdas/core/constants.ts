// Names shared by the detectors, the router and the stack: defined once so an emitter, a rule pattern
// and an alarm cannot drift apart.

/** EventBridge `detail-type` of a detector's evaluation report. */
export const REPORT_DETAIL_TYPE = 'Metis Evaluation Report';
/** EventBridge `source` prefix of evaluation reports (`metis-alerts.<source>`). */
export const REPORT_SOURCE_PREFIX = 'metis-alerts.';
/** EventBridge `detail-type` of a CloudWatch alarm's state change (default bus, source aws.cloudwatch). */
export const ALARM_STATE_CHANGE_DETAIL_TYPE = 'CloudWatch Alarm State Change';
/** CloudWatch namespace of every metric the functions emit (EMF) and every alarm on them. */
export const METRIC_NAMESPACE = 'MetisAlerts';
/**
 * The incident table's sparse index of open incidents by source (lib/incident-table.ts): only open
 * incidents carry the attribute, so the router's per-report lookup reads a few items, not the table.
 */
export const OPEN_BY_SOURCE_INDEX = 'open-by-source';
export const OPEN_SOURCE_ATTRIBUTE = 'openSource';
/**
 * The incident table's sparse index of resolved incidents that still owe a delivery (a resolve to retry):
 * only those carry the attribute, so the sweeper finds them without scanning every resolved incident.
 */
export const OWED_INDEX = 'owed';
export const OWED_ATTRIBUTE = 'owed';
/** The one value of the owed attribute (the index has a single partition: the set is small and short-lived). */
export const OWED_VALUE = 'resolve-owed';
/** The probe reports every minute: the sweeper's source_stale:probe fires after three missed minutes. */
export const PROBE_REPORT_INTERVAL_MINUTES = 1;
