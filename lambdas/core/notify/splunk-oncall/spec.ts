// The Splunk On-Call sink: config `sinks.splunkOnCall`, the REST endpoint integration whose whole URL
// (it holds the keys) lives in SSM.
import { z } from 'zod';
import { defineSink, kmsKeyArn, secretOf, ssmParameterName } from '../spec.ts';
import { splunkOnCallNotifier } from './notifier.ts';

export const splunkOnCallSpec = defineSink({
  name: 'splunk-oncall',
  configKey: 'splunkOnCall',
  config: z.strictObject({ restEndpointParameter: ssmParameterName, kmsKeyArn }).optional(),
  label: 'Splunk On-Call',
  secretLabel: 'REST-endpoint',
  policyColumn: 'paging',
  storm: { key: 'splunkOnCall', perMinute: 120 },
  instances: (config) => {
    if (!config) return [];
    const secret = secretOf(config.restEndpointParameter, config.kmsKeyArn, 'url');
    return [{ sink: 'splunk-oncall', secret, notifier: (t) => splunkOnCallNotifier(t.http('splunk-oncall', secret)) }];
  },
  deployed: (config) => config,
  dryRun: {},
});
