// The Splunk On-Call sink: config `sinks.splunkOnCall`, the REST endpoint integration whose whole URL
// (it holds the keys) lives in SSM.
import { z } from 'zod';
import { defineHttpSink, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { splunkOnCallNotifier } from './notifier.ts';

declare module '../sink-names.ts' {
  interface SinkNames {
    'splunk-oncall': true;
  }
}

export const splunkOnCallSpec = defineHttpSink({
  name: 'splunk-oncall',
  configKey: 'splunkOnCall',
  config: z.strictObject({ restEndpointParameter: ssmParameterName, kmsKeyArn }).optional(),
  label: 'Splunk On-Call',
  secretLabel: 'REST-endpoint',
  storm: { key: 'splunkOnCall', perMinute: 120 },
  secret: (config) => secretOf(config.restEndpointParameter, config.kmsKeyArn, 'url'),
  notifier: (_, sender) => splunkOnCallNotifier(sender),
});
