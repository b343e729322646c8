import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET } from '../src/config/configDefaults.js';
import { webhookSender } from '../test/support/webhookSender.js';
import { reportFigure } from './support/reportFigure.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

/** A small API budget, so the test exhausts it in a few requests. */
const API_BUDGET = 20;
/** Requests of each other kind sent once the API budget is spent: more than the whole API budget. */
const BEYOND = API_BUDGET + 10;
const PROBES = ['/health', '/health/live', '/health/ready', '/metrics'];

/** Issue 20 item 3: webhooks and health checks shared the per-IP API budget and were starved. */
describe('an IP past its API budget', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        LOG_LEVEL: 'warn',
        RATE_LIMIT_IP_MAX: String(API_BUDGET),
        RATE_LIMIT_HEALTH_MAX: undefined,
        RATE_LIMIT_WEBHOOK_MAX: undefined,
      },
    });
  });
  afterAll(() => server?.stop('SIGKILL'));

  it('still gets its signed webhooks, health probes and metrics answered', async () => {
    const api: number[] = [];
    for (let i = 0; i <= API_BUDGET; i++) {
      api.push((await fetch(`${server.baseUrl}/api/livestream/rooms`)).status);
    }
    // The attack worked on the API: its budget is spent.
    expect(api.at(-1)).toBe(429);

    const webhooks = webhookSender({
      url: `${server.baseUrl}/api/livekit/webhook`,
      apiKey: DEV_LIVEKIT_API_KEY,
      apiSecret: DEV_LIVEKIT_API_SECRET,
    });
    const starved: string[] = [];
    for (let i = 0; i < BEYOND; i++) {
      const webhook = await webhooks.send({
        event: 'participant_joined',
        room: 'room-0',
        participant: `viewer-${i}`,
      });
      if (webhook.status !== 200) starved.push(`webhook ${webhook.status}`);
      const path = PROBES[i % PROBES.length] as string;
      const probe = await fetch(`${server.baseUrl}${path}`);
      await probe.arrayBuffer();
      if (probe.status !== 200) starved.push(`${path} ${probe.status}`);
    }
    reportFigure({
      name: `webhooks and health/metrics refused once the IP's API budget (${API_BUDGET}) was spent`,
      value: starved.length,
      unit: `of ${2 * BEYOND}`,
      goal: '0',
      met: starved.length === 0,
    });
    expect(starved).toEqual([]);
    // And the API itself is still refused: the other budgets are apart, not a way around it.
    expect((await fetch(`${server.baseUrl}/api/livestream/rooms`)).status).toBe(429);
  });
});
