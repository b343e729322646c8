import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livestreamPipeline } from '../../src/pipeline/livestreamPipeline.js';
import { startTestService, type TestService } from '../support/startTestService.js';

describe('livestreamPipeline', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService();
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('takes a block through index, access cache, presence, LiveKit and realtime, in that order', () => {
    const pipeline = livestreamPipeline({
      rooms: svc.rooms,
      presence: svc.presence,
      livekit: svc.livekitActions,
      roomLimits: { emptyTimeoutSeconds: 1, maxParticipants: 1 },
      hub: svc.hub,
    });
    expect(pipeline.stageNames).toEqual(['room index', 'access cache', 'presence', 'livekit', 'realtime']);
  });

  it('is what the service runs: an ended room is indexed as Ended, emptied of viewers and closed in LiveKit', async () => {
    svc.presence.join(0, svc.devchain.chain.pairs.Bob.address);
    expect(svc.presence.count(0)).toBe(1);
    await svc.send('Alice', 'livestream', 'endLive', 0);
    expect(svc.rooms.get(0)?.status).toBe('Ended');
    expect(svc.presence.count(0)).toBe(0);
    await svc.livekitActions.idle();
    expect(svc.livekit.callsTo('DeleteRoom').map((c) => c.body)).toContainEqual({ room: 'room-0' });
  });
});
