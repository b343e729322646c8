import { describe, expect, it } from 'vitest';
import { LiveKitError } from '../../src/livekit/LiveKitError.js';
import { LiveKitHealth, type LiveKitStatus } from '../../src/livekit/LiveKitHealth.js';
import { ScriptedLiveKitGateway } from '../support/ScriptedLiveKitGateway.js';

const down = () => new LiveKitError('fetch failed', { kind: 'unavailable', operation: 'ListRooms' });

describe('LiveKitHealth', () => {
  it('is disconnected until a probe succeeds, and follows the probes after that', async () => {
    const gateway = new ScriptedLiveKitGateway();
    const health = new LiveKitHealth(gateway);
    const changes: LiveKitStatus[] = [];
    health.onChange((status) => changes.push(status));
    expect(health.status).toBe('disconnected');
    expect(await health.probe()).toBe('connected');
    expect(await health.probe()).toBe('connected');
    gateway.script = () => {
      throw down();
    };
    expect(await health.probe()).toBe('disconnected');
    expect(health.status).toBe('disconnected');
    gateway.script = () => undefined;
    expect(await health.probe()).toBe('connected');
    // Listeners hear changes only.
    expect(changes).toEqual(['connected', 'disconnected', 'connected']);
    expect(gateway.calls.every((c) => c.method === 'ping')).toBe(true);
  });

  it('treats any refusal, credentials included, as disconnected', async () => {
    const gateway = new ScriptedLiveKitGateway();
    gateway.script = () => {
      throw new LiveKitError('HTTP 401', { kind: 'auth', operation: 'ListRooms', status: 401 });
    };
    expect(await new LiveKitHealth(gateway).probe()).toBe('disconnected');
  });

  it('probes at once when started and then on its interval', async () => {
    const gateway = new ScriptedLiveKitGateway();
    const health = new LiveKitHealth(gateway, 5);
    const connected = new Promise<void>((resolve) => health.onChange((s) => s === 'connected' && resolve()));
    health.start();
    health.start();
    await connected;
    await gateway.callCount(3);
    health.stop();
    expect(health.status).toBe('connected');
  });
});
