import { TrackSource } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { grantsForRole } from '../../src/livekit/grantsForRole.js';

const SERVER_API_GRANTS = ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord', 'ingressAdmin'] as const;

describe('grantsForRole', () => {
  it('lets the publisher join, publish everything, subscribe and send data', () => {
    expect(grantsForRole('publisher', 'room-7')).toEqual({
      roomJoin: true,
      room: 'room-7',
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
  });

  it('sets canPublish false explicitly for a viewer, because the server defaults it to true', () => {
    const grant = grantsForRole('viewer', 'room-7');
    expect(grant).toEqual({
      roomJoin: true,
      room: 'room-7',
      canPublish: false,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    expect(Object.hasOwn(grant, 'canPublish')).toBe(true);
  });

  it('limits a video co-host to camera and microphone', () => {
    expect(grantsForRole('coHost', 'room-7', 'video')).toEqual({
      roomJoin: true,
      room: 'room-7',
      canPublish: true,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
  });

  it('narrows an audio co-host to the microphone; without a type the co-host gets what the chain authorises', () => {
    const audio = grantsForRole('coHost', 'room-7', 'audio');
    expect(audio.canPublishSources).toEqual([TrackSource.MICROPHONE]);
    expect(grantsForRole('coHost', 'room-7')).toEqual(grantsForRole('coHost', 'room-7', 'video'));
  });

  it('never grants server-API powers to any role', () => {
    for (const grant of [
      grantsForRole('publisher', 'room-1'),
      grantsForRole('viewer', 'room-1'),
      grantsForRole('coHost', 'room-1', 'video'),
      grantsForRole('coHost', 'room-1', 'audio'),
    ]) {
      for (const power of SERVER_API_GRANTS) {
        expect(grant[power]).toBeUndefined();
      }
      expect(grant.canUpdateOwnMetadata).toBe(false);
      expect(grant.hidden).toBeUndefined();
    }
  });

  it('returns a fresh object each time, so callers cannot corrupt later grants', () => {
    const first = grantsForRole('coHost', 'room-1', 'video');
    first.canPublishSources?.push(TrackSource.SCREEN_SHARE);
    expect(grantsForRole('coHost', 'room-1', 'video').canPublishSources).toEqual([
      TrackSource.CAMERA,
      TrackSource.MICROPHONE,
    ]);
  });

  it('refuses an empty room name', () => {
    expect(() => grantsForRole('viewer', '')).toThrow(RangeError);
  });
});
