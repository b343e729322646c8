import { describe, expect, it } from 'vitest';
import { LiveKitActionQueue, MAX_PENDING_ACTIONS } from '../../src/livekit/LiveKitActionQueue.js';
import { LiveKitError } from '../../src/livekit/LiveKitError.js';
import type { LiveKitAction } from '../../src/livekit/livekitActionsFor.js';
import { stagePermission } from '../../src/livekit/stagePermission.js';

const CO_HOST_PERMISSION = stagePermission('coHost');

import { captureLogs } from '../support/logCapture.js';
import { ScriptedLiveKitGateway } from '../support/ScriptedLiveKitGateway.js';

const unavailable = () =>
  new LiveKitError('HTTP 503 unavailable', { kind: 'unavailable', operation: 'CreateRoom', status: 503 });
const unauthorized = () =>
  new LiveKitError('HTTP 401', { kind: 'auth', operation: 'CreateRoom', status: 401 });

const create = (room: string): LiveKitAction => ({
  kind: 'createRoom',
  room,
  input: { name: room, emptyTimeoutSeconds: 300, maxParticipants: 10, metadata: '{}' },
});
const remove = (room: string): LiveKitAction => ({ kind: 'deleteRoom', room });

function gate(): { promise: Promise<void>; open: () => void } {
  const opener: { open?: () => void } = {};
  const promise = new Promise<void>((resolve) => {
    opener.open = resolve;
  });
  return { promise, open: () => opener.open?.() };
}

function setUp(options: { retryBaseMs?: number; retryMaxMs?: number; giveUpAfterMs?: number } = {}) {
  const gateway = new ScriptedLiveKitGateway();
  const logs = captureLogs('warn');
  const queue = new LiveKitActionQueue({ gateway, logger: logs.logger, retryBaseMs: 1, ...options });
  return { gateway, logs, queue };
}

describe('LiveKitActionQueue', () => {
  it('runs each action through the gateway with its arguments', async () => {
    const { gateway, queue } = setUp();
    queue.enqueue(create('room-1'));
    queue.enqueue({ kind: 'removeParticipant', room: 'room-1', identity: 'viewer' });
    queue.enqueue({
      kind: 'setPermission',
      room: 'room-1',
      identity: 'cohost',
      permission: CO_HOST_PERMISSION,
    });
    queue.enqueue(remove('room-1'));
    await queue.idle();
    expect(gateway.calls).toEqual([
      {
        method: 'createRoom',
        room: 'room-1',
        input: { name: 'room-1', emptyTimeoutSeconds: 300, maxParticipants: 10, metadata: '{}' },
      },
      { method: 'removeParticipant', room: 'room-1', identity: 'viewer' },
      {
        method: 'setParticipantPermission',
        room: 'room-1',
        identity: 'cohost',
        permission: CO_HOST_PERMISSION,
      },
      { method: 'deleteRoom', room: 'room-1' },
    ]);
    expect(queue.stats).toEqual({ pending: 0, done: 4, failed: 0, retried: 0 });
  });

  it('keeps the order within a room while another room goes ahead', async () => {
    const { gateway, queue } = setUp();
    const held = gate();
    gateway.script = (call) =>
      call.method === 'createRoom' && call.room === 'room-1' ? held.promise : undefined;
    queue.enqueue(create('room-1'));
    queue.enqueue(remove('room-1'));
    queue.enqueue(create('room-2'));
    await gateway.callCount(2);
    // room-2 was not held up by room-1, and room-1's delete waits for its create.
    expect(gateway.calls.map((c) => `${c.method} ${c.room}`)).toEqual([
      'createRoom room-1',
      'createRoom room-2',
    ]);
    held.open();
    await queue.idle();
    expect(gateway.calls.map((c) => `${c.method} ${c.room}`)).toEqual([
      'createRoom room-1',
      'createRoom room-2',
      'deleteRoom room-1',
    ]);
    expect(queue.stats).toEqual({ pending: 0, done: 3, failed: 0, retried: 0 });
  });

  it('retries a transient failure with a growing delay until it succeeds', async () => {
    const { gateway, queue } = setUp({ retryBaseMs: 20 });
    const at: number[] = [];
    gateway.script = (_call, index) => {
      at.push(performance.now());
      if (index < 3) throw unavailable();
    };
    queue.enqueue(create('room-1'));
    await queue.idle();
    expect(gateway.calls).toHaveLength(4);
    expect(queue.stats).toEqual({ pending: 0, done: 1, failed: 0, retried: 3 });
    const gaps = at.slice(1).map((time, i) => time - (at[i] as number));
    // 20, 40, 80 ms (a timer may fire a millisecond early).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
  });

  it('caps the delay between retries', async () => {
    const { gateway, queue } = setUp({ retryBaseMs: 10, retryMaxMs: 15 });
    const at: number[] = [];
    gateway.script = (_call, index) => {
      at.push(performance.now());
      if (index < 4) throw unavailable();
    };
    queue.enqueue(create('room-1'));
    await queue.idle();
    const last = (at[4] as number) - (at[3] as number);
    // Uncapped it would be 80 ms.
    expect(last).toBeGreaterThanOrEqual(14);
    expect(last).toBeLessThan(70);
  });

  it('treats an unclassified error as transient', async () => {
    const { gateway, queue } = setUp();
    gateway.script = (_call, index) => {
      if (index === 0) throw new Error('socket hang up');
    };
    queue.enqueue(remove('room-1'));
    await queue.idle();
    expect(queue.stats).toEqual({ pending: 0, done: 1, failed: 0, retried: 1 });
  });

  it('gives up at once on a failure that retrying cannot fix, logs it and goes on with the next action', async () => {
    const { gateway, queue, logs } = setUp();
    gateway.script = (_call, index) => {
      if (index === 0) throw unauthorized();
    };
    queue.enqueue(create('room-1'));
    queue.enqueue(remove('room-1'));
    await queue.idle();
    expect(gateway.calls.map((c) => c.method)).toEqual(['createRoom', 'deleteRoom']);
    expect(queue.stats).toEqual({ pending: 0, done: 1, failed: 1, retried: 0 });
    expect(
      logs.entries().some((e) => e.msg === 'LiveKit action failed' && e.action === 'createRoom room-1'),
    ).toBe(true);
  });

  it('gives up a transient failure that lasts longer than the give-up time', async () => {
    const { gateway, queue } = setUp({ retryBaseMs: 5, giveUpAfterMs: 30 });
    gateway.script = () => {
      throw unavailable();
    };
    queue.enqueue(create('room-1'));
    await queue.idle();
    expect(queue.stats.failed).toBe(1);
    expect(queue.stats.done).toBe(0);
    expect(gateway.calls.length).toBeGreaterThan(1);
  });

  it('retries at once when woken instead of waiting for its backoff', async () => {
    const { gateway, queue } = setUp({ retryBaseMs: 60_000 });
    gateway.script = (_call, index) => {
      if (index === 0) throw unavailable();
    };
    queue.enqueue(create('room-1'));
    await gateway.callCount(1);
    // Let the failure land so the action sleeps on its (one-minute) backoff.
    await new Promise((resolve) => setImmediate(resolve));
    queue.wake();
    await queue.idle();
    expect(gateway.calls).toHaveLength(2);
    expect(queue.stats).toEqual({ pending: 0, done: 1, failed: 0, retried: 1 });
  });

  it('counts a permission update for an absent participant as done', async () => {
    const { gateway, queue } = setUp();
    gateway.script = () => 'participantAbsent';
    queue.enqueue({
      kind: 'setPermission',
      room: 'room-1',
      identity: 'gone',
      permission: CO_HOST_PERMISSION,
    });
    await queue.idle();
    expect(queue.stats).toEqual({ pending: 0, done: 1, failed: 0, retried: 0 });
  });

  it('drops actions beyond the pending bound and counts them as failed', async () => {
    const { gateway, queue } = setUp();
    const held = gate();
    gateway.script = () => held.promise;
    for (let i = 0; i < MAX_PENDING_ACTIONS + 1; i++) queue.enqueue(remove('room-1'));
    expect(queue.stats.pending).toBe(MAX_PENDING_ACTIONS);
    expect(queue.stats.failed).toBe(1);
    held.open();
    await queue.idle();
    expect(queue.stats).toEqual({ pending: 0, done: MAX_PENDING_ACTIONS, failed: 1, retried: 0 });
  });

  it('stops retrying when closed and accepts nothing more', async () => {
    const { gateway, queue } = setUp({ retryBaseMs: 60_000 });
    gateway.script = () => {
      throw unavailable();
    };
    queue.enqueue(create('room-1'));
    await gateway.callCount(1);
    await new Promise((resolve) => setImmediate(resolve));
    queue.close();
    await queue.idle();
    queue.enqueue(create('room-2'));
    await queue.idle();
    expect(gateway.calls).toHaveLength(1);
    expect(queue.stats.pending).toBe(0);
  });
});
