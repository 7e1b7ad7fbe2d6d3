// Inbound-shape part of `npm run demo`: one real loopback gateway that serves /healthz (200), an
// OpenAI chat endpoint (healthy) and an Anthropic Messages endpoint that first answers 200 with an OpenAI body
// (a broken adapter), then recovers. The probe Lambda's own shape run (makeInboundShapeHandler with the real
// HTTP probers) produces the evaluation reports the router gets: SEV2 `inbound_shape_down:messages` while
// /healthz is up, then its resolve.
import { MemoryProbeState } from '../lambdas/adapters/memory-probe-state.ts';
import type { ShapeRunState } from '../lambdas/core/probe/shape-run-state.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProber } from '../lambdas/adapters/http-prober.ts';
import { HttpShapeProber } from '../lambdas/adapters/http-shape-prober.ts';
import { parseConfig } from '../lambdas/core/config.ts';
import type { EvaluationReport } from '../lambdas/core/signal.ts';
import { makeInboundShapeHandler } from '../lambdas/functions/probe/shape-handler.ts';
import type { DemoStep } from './demo-scenario.ts';

const CHAT = { choices: [{ index: 0, message: { role: 'assistant', content: 'Pong' }, finish_reason: 'length' }] };
const MESSAGE = { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Pong' }], stop_reason: 'max_tokens' };

export async function shapeDemoSteps(start = new Date('2026-11-24T11:10:00Z')): Promise<DemoStep[]> {
  let messagesBroken = true;
  const gateway = await listen(
    createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/healthz') json({ status: 'ok' });
      else if (req.url === '/v1/chat/completions') json(CHAT);
      else if (req.url === '/v1/messages') json(messagesBroken ? CHAT : MESSAGE);
      else res.writeHead(404).end();
    }),
  );
  const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  try {
    const config = parseConfig({
      healthTargets: [{ name: 'gateway', url: `${base}/healthz` }],
      inboundShapes: [
        { name: 'chat', url: `${base}/v1/chat/completions`, shape: 'openai-chat', model: 'anthropic:claude-haiku-4-5', timeoutMs: 2000 },
        { name: 'messages', url: `${base}/v1/messages`, shape: 'anthropic-messages', model: 'anthropic:claude-haiku-4-5', timeoutMs: 2000 },
      ],
    });
    const shapeProber = new HttpShapeProber();
    const healthProber = new HttpProber();
    const quiet = () => {};
    // The shape run's state item, carried from run to run (gateway_down counts failed runs in a row).
    const state = new MemoryProbeState<ShapeRunState>();
    const run = async (at: Date): Promise<EvaluationReport> => {
      let report: EvaluationReport | undefined;
      await makeInboundShapeHandler({
        shapes: config.inboundShapes,
        healthTargets: config.healthTargets,
        probeShape: (request) => shapeProber.probe(request),
        probeHealth: (call) => healthProber.probe(call),
        headers: async () => ({}),
        publisher: {
          publish: async (r) => {
            report = r;
          },
        },
        clock: () => at,
        state,
        rules: config.rules,
        logger: { info: quiet, warn: quiet, error: quiet },
      })();
      return report!;
    };
    const broken = await run(start);
    messagesBroken = false;
    const fixedAt = new Date(start.getTime() + 5 * 60_000);
    const fixed = await run(fixedAt);
    return [
      {
        at: start,
        title: 'inbound shapes: /v1/messages answers 200 with an OpenAI body while /healthz is up',
        signals: broken.signals,
        report: broken,
      },
      {
        at: fixedAt,
        title: 'inbound shapes 5 min later: /v1/messages is an Anthropic Messages body again',
        signals: fixed.signals,
        report: fixed,
      },
    ];
  } finally {
    await new Promise<void>((resolve) => {
      gateway.closeAllConnections();
      gateway.close(() => resolve());
    });
  }
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
