import { describe, expect, it } from 'vitest';
import {
  STAGE_MEDIA_ATTRIBUTE,
  samePermission,
  stageMediaOf,
  stagePermission,
  stagePermissionUpdate,
} from '../../src/livekit/stagePermission.js';

describe('stagePermission', () => {
  it('lets the host publish anything, a co-host camera and microphone, a viewer nothing', () => {
    expect(stagePermission('publisher')).toEqual({
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [],
    });
    expect(stagePermission('coHost')).toEqual({
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: ['camera', 'microphone'],
    });
    expect(stagePermission('viewer')).toEqual({
      canPublish: false,
      canSubscribe: true,
      canPublishData: true,
      canPublishSources: [],
    });
  });

  it('narrows a co-host to the microphone when their last token asked for audio', () => {
    expect(stagePermission('coHost', 'audio').canPublishSources).toEqual(['microphone']);
    expect(stageMediaOf({ [STAGE_MEDIA_ATTRIBUTE]: 'audio' })).toBe('audio');
    expect(stageMediaOf({ [STAGE_MEDIA_ATTRIBUTE]: 'video' })).toBe('video');
    expect(stageMediaOf({})).toBe('video');
    expect(stageMediaOf({ [STAGE_MEDIA_ATTRIBUTE]: 'anything else' })).toBe('video');
  });

  it('asks for an update only when the participant lacks the role’s permission', () => {
    const audioCoHost = {
      permission: stagePermission('coHost', 'audio'),
      attributes: { [STAGE_MEDIA_ATTRIBUTE]: 'audio' },
    };
    expect(stagePermissionUpdate('coHost', audioCoHost)).toBeNull();
    expect(stagePermissionUpdate('viewer', audioCoHost)).toEqual(stagePermission('viewer'));
    const viewer = { permission: stagePermission('viewer'), attributes: {} };
    expect(stagePermissionUpdate('coHost', viewer)).toEqual(stagePermission('coHost', 'video'));
    expect(stagePermissionUpdate('viewer', viewer)).toBeNull();
  });

  it('compares publish sources as sets', () => {
    const a = { ...stagePermission('coHost'), canPublishSources: ['microphone', 'camera'] as const };
    expect(samePermission(a, stagePermission('coHost'))).toBe(true);
    expect(samePermission(stagePermission('coHost', 'audio'), stagePermission('coHost'))).toBe(false);
  });
});
