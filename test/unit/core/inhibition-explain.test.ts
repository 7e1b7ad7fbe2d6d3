// `routes --rule`: which inhibitions could hold a rule back, in words, with the target label it would carry.
import { describe, expect, it } from 'vitest';
import { possibleInhibitions } from '../../../lambdas/core/inhibition-explain.ts';
import { settings } from './support.ts';

const INHIBITIONS = settings().routing.inhibitions;

describe('possibleInhibitions', () => {
  it('the default gateway-down holds a trace-DB or log SEV2/SEV3 only under an open SEV1 healthz_down of the same target', () => {
    expect(
      possibleInhibitions({ source: 'trace-db', rule: 'provider_unavailable', severity: 'SEV2', target: 'gateway' }, INHIBITIONS),
    ).toEqual([
      {
        inhibition: 'gateway-down',
        whileOpen: 'an open incident with rule healthz_down, severity SEV1, more severe than SEV2, target gateway',
      },
    ]);
    expect(
      possibleInhibitions({ source: 'logs', rule: 'traceback', severity: 'SEV3', target: 'api' }, INHIBITIONS)[0]!.whileOpen,
    ).toContain('target api');
  });

  it('never a SEV1, never a signal without a target to compare, never another source', () => {
    expect(possibleInhibitions({ source: 'trace-db', rule: 'bill_threshold', severity: 'SEV1', target: 'gateway' }, INHIBITIONS)).toEqual(
      [],
    );
    expect(possibleInhibitions({ source: 'trace-db', rule: 'provider_unavailable', severity: 'SEV2' }, INHIBITIONS)).toEqual([]);
    expect(possibleInhibitions({ source: 'probe', rule: 'tls_expiry', severity: 'SEV3' }, INHIBITIONS)).toEqual([]);
  });

  it('the default gateway-down-shapes holds an inbound shape SEV2 under an open SEV1 gateway_down of its health target', () => {
    expect(possibleInhibitions({ source: 'probe', rule: 'inbound_shape_down', severity: 'SEV2' }, INHIBITIONS)).toEqual([
      {
        inhibition: 'gateway-down-shapes',
        whileOpen: 'an open incident with rule gateway_down, severity SEV1, more severe than SEV2, target the same as the signal',
      },
    ]);
  });

  it('describes equal labels and lowerSeverityOnly: false as configured', () => {
    const custom = settings({
      routing: {
        inhibitions: [
          {
            name: 'provider',
            source: { rule: ['provider_unavailable'] },
            target: { rule: ['model_error_rate'] },
            equal: ['subject'],
            lowerSeverityOnly: false,
          },
        ],
      },
    }).routing.inhibitions;
    expect(possibleInhibitions({ source: 'trace-db', rule: 'model_error_rate', severity: 'SEV2' }, custom)).toEqual([
      { inhibition: 'provider', whileOpen: 'an open incident with rule provider_unavailable, the same subject' },
    ]);
  });
});
