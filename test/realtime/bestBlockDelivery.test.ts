import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevChain, SubmitOutcome } from '../../src/devchain/DevChain.js';
import { SERVER_MESSAGES } from '../../src/realtime/serverMessages.js';
import type { BestWatch } from '../support/BestWatch.js';
import { type BestBlockService, startBestBlockService } from '../support/startBestBlockService.js';
import type { WsMessage, WsTestClient } from '../support/WsTestClient.js';

/** Room 0 of the demo seed: Alice's, live. */
const ROOM = 0;
/** Gift 0 of the demo seed (Rose, enabled). */
const GIFT = 0;

/*
 * Events at block speed: the dev chain stops finalizing by itself, so each block stays best until
 * the test finalizes it, as on a real chain between import and GRANDPA.
 */
describe('events from best blocks, then confirmed by finality', () => {
  let harness: BestBlockService;
  let chain: DevChain;
  let best: BestWatch;

  function joined(frame: Record<string, unknown> = {}): Promise<WsTestClient> {
    return harness.joined(ROOM, frame);
  }

  /** A gift in its own best block, once the service has applied that block as best. */
  async function gift(): Promise<{ outcome: SubmitOutcome; id: string; number: number }> {
    const outcome = await chain.send('Dave', 'livestream', 'sendGift', ROOM, GIFT, 1);
    if (!outcome.success) throw new Error(`sendGift failed: ${outcome.error ?? ''}`);
    await best.applied(outcome.blockHash);
    const block = chain.store.byHash(outcome.blockHash);
    if (!block) throw new Error('unknown block');
    const index = chain.eventsAt(block).findIndex((e) => e.name === 'GiftSent');
    return { outcome, id: `${block.number}-${index}`, number: block.number };
  }

  function gifts(client: WsTestClient): WsMessage[] {
    return client.all((m) => m.type === 'gift:received');
  }

  beforeAll(async () => {
    harness = await startBestBlockService();
    ({ chain, best } = harness);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('pushes a gift from its best block (final: false), then block:finalized when finality reaches it', async () => {
    const fast = await joined();
    const slow = await joined({ finalOnly: true });
    const { outcome, id, number } = await gift();

    expect(await fast.nextOfType('gift:received')).toMatchObject({
      id,
      roomId: ROOM,
      block: { number, hash: outcome.blockHash },
      final: false,
    });
    await slow.settle();
    expect(gifts(slow)).toEqual([]);

    const finalized = chain.finalize();
    const notice = { type: 'block:finalized', number: finalized.number, hash: finalized.hash };
    expect(await fast.nextOfType('block:finalized')).toEqual(notice);
    expect(await slow.nextOfType('gift:received')).toMatchObject({ id, final: true });
    expect(await slow.nextOfType('block:finalized')).toEqual(notice);
    await Promise.all([fast.settle(), slow.settle()]);
    // Once each: the fast client got no final copy, and one notice per advance, not per event.
    expect(gifts(fast)).toHaveLength(1);
    expect(gifts(slow)).toHaveLength(1);
    expect(fast.all((m) => m.type === 'block:finalized')).toHaveLength(1);
    for (const message of [...fast.received, ...slow.received]) {
      const schema = message.type === 'gift:received' ? SERVER_MESSAGES.chainEvent : undefined;
      if (schema) expect(schema.safeParse(message).success, JSON.stringify(message)).toBe(true);
    }
    expect(SERVER_MESSAGES['block:finalized'].safeParse(notice).success).toBe(true);
  });

  it('sends one block:finalized per advance of finality, however many blocks it covers', async () => {
    const client = await joined();
    await gift();
    await gift();
    const head = chain.finalize();
    expect(await client.nextOfType('block:finalized')).toMatchObject({ number: head.number });
    await client.settle();
    expect(client.all((m) => m.type === 'block:finalized')).toHaveLength(1);
    expect(gifts(client).map((m) => m.final)).toEqual([false, false]);
  });

  it('resumes with since: final events replayed, then the events not final yet, then room:joined', async () => {
    const first = await gift();
    chain.finalize();
    await best.applied(first.outcome.blockHash, ['confirmed']);
    const second = await gift();

    const resumed = await harness.connect();
    const before = `${first.number - 1}-999`;
    resumed.send({ type: 'join-room', roomId: ROOM, since: before });
    await resumed.nextOfType('room:joined');
    expect(gifts(resumed).map((m) => [m.id, m.final])).toEqual([
      [first.id, true],
      [second.id, false],
    ]);
    const types = resumed.received.map((m) => m.type);
    expect(types.lastIndexOf('gift:received')).toBeLessThan(types.indexOf('room:joined'));

    // From the last final event on: only the one not final yet comes.
    const fromFinal = await harness.connect();
    fromFinal.send({ type: 'join-room', roomId: ROOM, since: first.id });
    await fromFinal.nextOfType('room:joined');
    expect(gifts(fromFinal).map((m) => [m.id, m.final])).toEqual([[second.id, false]]);

    // Final only: the replay stops at the last final event.
    const finalOnly = await harness.connect();
    finalOnly.send({ type: 'join-room', roomId: ROOM, since: before, finalOnly: true });
    await finalOnly.nextOfType('room:joined');
    expect(gifts(finalOnly).map((m) => [m.id, m.final])).toEqual([[first.id, true]]);

    chain.finalize();
    expect(await finalOnly.nextOfType('gift:received')).toMatchObject({ id: second.id, final: true });
    expect(await resumed.nextOfType('block:finalized')).toMatchObject({ number: second.number });
    await resumed.settle();
    expect(gifts(resumed)).toHaveLength(2);
  });
});
