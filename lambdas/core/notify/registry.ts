// Every configured sink's Notifier, keyed by sink name. A new sink is a folder beside these and one line here.
import type { Config } from '../config.ts';
import type { Sink } from '../incident.ts';
import type { AckLinks } from '../human/ports.ts';
import type { NotificationPublisher } from '../ports.ts';
import { chatopsNotifier } from './chatops/notifier.ts';
import type { HttpSender } from './http-call.ts';
import type { Notifiers } from './notifier.ts';
import { opsgenieNotifier } from './opsgenie/notifier.ts';
import { pageNotifier } from './page/notifier.ts';
import { pagerDutyNotifier } from './pagerduty/notifier.ts';
import { webhookSink } from './sinks.ts';
import { splunkOnCallNotifier } from './splunk-oncall/notifier.ts';
import { webhookNotifier } from './webhook/notifier.ts';

export interface SinkTransports {
  /** The HTTP transport of one sink, whose secret is read from `secretParameter` (an SSM name). */
  http(sink: Sink, secretParameter: string): HttpSender;
  /** The SNS page and chatops topics. */
  publisher: NotificationPublisher;
  /** Signs the page's ack links when the ack intake is deployed. */
  ackLinks?: AckLinks;
}

/** A config's HTTP sinks: name and the SSM parameter of its secret (the CDK grants read on exactly these). */
export function httpSinksOf(
  sinks: Pick<Config['sinks'], 'pagerduty' | 'opsgenie' | 'splunkOnCall' | 'webhooks'>,
): { sink: Sink; parameter: string; kmsKeyArn?: string }[] {
  return [
    ...(sinks.pagerduty
      ? [{ sink: 'pagerduty' as Sink, parameter: sinks.pagerduty.routingKeyParameter, kmsKeyArn: sinks.pagerduty.kmsKeyArn }]
      : []),
    ...(sinks.opsgenie
      ? [{ sink: 'opsgenie' as Sink, parameter: sinks.opsgenie.apiKeyParameter, kmsKeyArn: sinks.opsgenie.kmsKeyArn }]
      : []),
    ...(sinks.splunkOnCall
      ? [{ sink: 'splunk-oncall' as Sink, parameter: sinks.splunkOnCall.restEndpointParameter, kmsKeyArn: sinks.splunkOnCall.kmsKeyArn }]
      : []),
    ...sinks.webhooks.map((hook) => ({ sink: webhookSink(hook.name), parameter: hook.urlParameter, kmsKeyArn: hook.kmsKeyArn })),
  ].map((entry) => (entry.kmsKeyArn ? entry : { sink: entry.sink, parameter: entry.parameter }));
}

export function buildNotifiers(
  sinks: Pick<Config['sinks'], 'pagerduty' | 'opsgenie' | 'splunkOnCall' | 'webhooks'>,
  transports: SinkTransports,
): Notifiers {
  const notifiers: Notifiers = {
    page: pageNotifier(transports.publisher, transports.ackLinks),
    chatops: chatopsNotifier(transports.publisher),
  };
  if (sinks.pagerduty)
    notifiers.pagerduty = pagerDutyNotifier(transports.http('pagerduty', sinks.pagerduty.routingKeyParameter), sinks.pagerduty.eventsUrl);
  if (sinks.opsgenie)
    notifiers.opsgenie = opsgenieNotifier(transports.http('opsgenie', sinks.opsgenie.apiKeyParameter), sinks.opsgenie.apiUrl);
  if (sinks.splunkOnCall)
    notifiers['splunk-oncall'] = splunkOnCallNotifier(transports.http('splunk-oncall', sinks.splunkOnCall.restEndpointParameter));
  for (const hook of sinks.webhooks)
    notifiers[webhookSink(hook.name)] = webhookNotifier(hook.name, transports.http(webhookSink(hook.name), hook.urlParameter));
  return notifiers;
}
