import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/AppError.js';
import { LiveKitWebhooks } from '../../src/livekit/LiveKitWebhooks.js';
import { ViewerPresence } from '../../src/presence/ViewerPresence.js';
import { MemoryReplayGuard } from '../../src/store/MemoryReplayGuard.js';
import { captureLogs } from '../support/logCapture.js';
import { type WebhookInput, webhookSender } from '../support/webhookSender.js';

const API_KEY = 'devkey';
const API_SECRET = 'secret';
const NOW_S = 1_800_000_000;

function setUp() {
  const presence = new ViewerPresence();
  const logs = captureLogs('warn');
  const webhooks = new LiveKitWebhooks({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    presence,
    seen: new MemoryReplayGuard(),
    logger: logs.logger,
  });
  const sender = webhookSender({ url: 'http://127.0.0.1:1/unused', apiKey: API_KEY, apiSecret: API_SECRET });
  const handle = (input: WebhookInput) => {
    const prepared = sender.prepare({ createdAt: NOW_S, ...input });
    return webhooks.handle(prepared.body, prepared.authorization);
  };
  return { presence, logs, webhooks, sender, handle };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the webhook to be refused');
}

describe('LiveKitWebhooks', () => {
  it('counts a participant who joined and forgets one who left or never connected', async () => {
    const { presence, handle } = setUp();
    expect(await handle({ event: 'participant_joined', room: 'room-5', participant: 'alice' })).toEqual({
      event: 'participant_joined',
      outcome: 'applied',
    });
    await handle({ event: 'participant_joined', room: 'room-5', participant: 'bob' });
    expect(presence.count(5)).toBe(2);
    await handle({ event: 'participant_left', room: 'room-5', participant: 'alice', createdAt: NOW_S + 1 });
    await handle({
      event: 'participant_connection_aborted',
      room: 'room-5',
      participant: 'bob',
      createdAt: NOW_S + 1,
    });
    expect(presence.count(5)).toBe(0);
  });

  it('applies a delivery once however often it arrives', async () => {
    const { presence, sender, webhooks } = setUp();
    const alice = { identity: 'alice', sid: 'PA_alice' };
    const joined = sender.prepare({
      event: 'participant_joined',
      room: 'room-5',
      participant: alice,
      createdAt: NOW_S,
    });
    const left = sender.prepare({
      event: 'participant_left',
      room: 'room-5',
      participant: alice,
      createdAt: NOW_S,
    });
    expect((await webhooks.handle(joined.body, joined.authorization)).outcome).toBe('applied');
    expect((await webhooks.handle(left.body, left.authorization)).outcome).toBe('applied');
    // A retried delivery of the join, after the leave: same id, so it must not bring alice back.
    expect(await webhooks.handle(joined.body, joined.authorization)).toEqual({
      event: 'participant_joined',
      outcome: 'duplicate',
    });
    expect(presence.count(5)).toBe(0);
  });

  it('keeps a join when a leave older than it arrives late', async () => {
    const { presence, handle } = setUp();
    await handle({
      event: 'participant_joined',
      room: 'room-5',
      participant: 'alice',
      createdAt: NOW_S + 10,
    });
    await handle({ event: 'participant_left', room: 'room-5', participant: 'alice', createdAt: NOW_S + 5 });
    expect(presence.count(5)).toBe(1);
  });

  it('keeps a rejoin in the same second when the leave of the earlier connection arrives after it', async () => {
    const { presence, handle } = setUp();
    await handle({
      event: 'participant_joined',
      room: 'room-5',
      participant: { identity: 'alice', sid: 'PA_one' },
    });
    await handle({
      event: 'participant_joined',
      room: 'room-5',
      participant: { identity: 'alice', sid: 'PA_two' },
    });
    await handle({
      event: 'participant_left',
      room: 'room-5',
      participant: { identity: 'alice', sid: 'PA_one' },
    });
    expect(presence.count(5)).toBe(1);
  });

  it('empties a finished room and ignores late reports from before it finished', async () => {
    const { presence, handle } = setUp();
    await handle({ event: 'participant_joined', room: 'room-5', participant: 'alice', createdAt: NOW_S });
    await handle({ event: 'room_finished', room: 'room-5', createdAt: NOW_S + 10 });
    expect(presence.count(5)).toBe(0);
    await handle({ event: 'participant_joined', room: 'room-5', participant: 'bob', createdAt: NOW_S + 9 });
    expect(presence.count(5)).toBe(0);
    await handle({
      event: 'participant_joined',
      room: 'room-5',
      participant: 'carol',
      createdAt: NOW_S + 11,
    });
    expect(presence.count(5)).toBe(1);
  });

  it('ignores events of other rooms and of other kinds', async () => {
    const { presence, handle } = setUp();
    expect((await handle({ event: 'participant_joined', room: 'lobby', participant: 'alice' })).outcome).toBe(
      'ignored',
    );
    expect((await handle({ event: 'room_started', room: 'room-5' })).outcome).toBe('ignored');
    expect(
      (
        await handle({
          event: 'track_published',
          room: 'room-5',
          participant: 'alice',
          track: { sid: 'TR_1' },
        })
      ).outcome,
    ).toBe('ignored');
    expect((await handle({ event: 'participant_joined', room: 'room-5' })).outcome).toBe('ignored');
    expect(presence.activeRooms()).toEqual([]);
  });

  it.each([
    ['a body changed after signing', { tamper: true }],
    ['no Authorization header', { omitAuthorization: true }],
    ['a Bearer-prefixed token', { bearer: true }],
    ['a token signed with another secret', { secret: 'not-the-secret' }],
    ['an expired token', { expired: true }],
  ])('refuses %s as unauthorized and changes nothing', async (_name, variant) => {
    const { presence, sender, webhooks, logs } = setUp();
    const prepared = sender.prepare(
      { event: 'participant_joined', room: 'room-5', participant: 'alice' },
      {
        ...('secret' in variant ? { secret: variant.secret } : {}),
        ...('expired' in variant ? { issuedAt: Math.floor(Date.now() / 1000) - 3600, ttlSeconds: 60 } : {}),
      },
    );
    const body = 'tamper' in variant ? prepared.body.replace('alice', 'mallory') : prepared.body;
    const authorization =
      'omitAuthorization' in variant
        ? undefined
        : 'bearer' in variant
          ? `Bearer ${prepared.authorization}`
          : prepared.authorization;
    const error = await refusal(webhooks.handle(body, authorization));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNAUTHORIZED');
    expect(presence.count(5)).toBe(0);
    expect(logs.entries().some((e) => e.msg === 'webhook refused')).toBe(true);
  });

  it('does not let a refused delivery use up its id', async () => {
    const { presence, sender, webhooks } = setUp();
    const prepared = sender.prepare({ event: 'participant_joined', room: 'room-5', participant: 'alice' });
    await refusal(webhooks.handle(prepared.body, undefined));
    expect((await webhooks.handle(prepared.body, prepared.authorization)).outcome).toBe('applied');
    expect(presence.count(5)).toBe(1);
  });
});
