import type { ParticipantPermissionSet, PublishSource } from './LiveKitGateway.js';

/**
 * The one rule for what each role may do in a LiveKit room, used by join tokens
 * (`grantsForRole`) and by permission updates in place (promotion, demotion, corrections):
 *
 * - the host publishes any source;
 * - the chain authorises an active co-host to publish camera and microphone; a co-host token
 *   requested with `type: "audio"` narrows that to the microphone. Promotion in place grants what
 *   the participant's last token asked for: it is written into the token as the attribute
 *   `STAGE_MEDIA_ATTRIBUTE`, which participants cannot change (`canUpdateOwnMetadata` is false);
 * - a viewer publishes nothing but subscribes and sends data (chat, reactions).
 */

export const STAGE_ROLES = ['publisher', 'coHost', 'viewer'] as const;
export type StageRole = (typeof STAGE_ROLES)[number];

/** What an on-stage co-host may publish. */
export const CO_HOST_MEDIA = ['audio', 'video'] as const;
export type CoHostMedia = (typeof CO_HOST_MEDIA)[number];

/** No `type` asked for: what the chain authorises, camera and microphone. */
export const DEFAULT_CO_HOST_MEDIA: CoHostMedia = 'video';

/** The participant attribute a co-host token carries: the media its request asked for. */
export const STAGE_MEDIA_ATTRIBUTE = 'livestream.media';

const CO_HOST_SOURCES: Record<CoHostMedia, readonly PublishSource[]> = {
  audio: ['microphone'],
  video: ['camera', 'microphone'],
};

/** The media a participant's last token asked for, from its attributes (none: the default). */
export function stageMediaOf(attributes: Readonly<Record<string, string>> | undefined): CoHostMedia {
  return attributes?.[STAGE_MEDIA_ATTRIBUTE] === 'audio' ? 'audio' : DEFAULT_CO_HOST_MEDIA;
}

/** The complete permission of `role` (LiveKit replaces every bit on update). */
export function stagePermission(
  role: StageRole,
  media: CoHostMedia = DEFAULT_CO_HOST_MEDIA,
): ParticipantPermissionSet {
  switch (role) {
    case 'publisher':
      return { canPublish: true, canSubscribe: true, canPublishData: true, canPublishSources: [] };
    case 'coHost':
      return {
        canPublish: true,
        canSubscribe: true,
        canPublishData: true,
        canPublishSources: CO_HOST_SOURCES[media],
      };
    case 'viewer':
      return { canPublish: false, canSubscribe: true, canPublishData: true, canPublishSources: [] };
  }
}

/** Whether two permissions allow the same (sources compared as sets). */
export function samePermission(a: ParticipantPermissionSet, b: ParticipantPermissionSet): boolean {
  return (
    a.canPublish === b.canPublish &&
    a.canSubscribe === b.canSubscribe &&
    a.canPublishData === b.canPublishData &&
    a.canPublishSources.length === b.canPublishSources.length &&
    a.canPublishSources.every((source) => b.canPublishSources.includes(source))
  );
}

/**
 * The permission update that gives a connected participant the permission of `role`, or null
 * when it already has it. A co-host keeps what their last token asked for.
 */
export function stagePermissionUpdate(
  role: StageRole,
  participant: {
    permission: ParticipantPermissionSet;
    attributes: Readonly<Record<string, string>>;
  },
): ParticipantPermissionSet | null {
  const wanted = stagePermission(role, stageMediaOf(participant.attributes));
  return samePermission(wanted, participant.permission) ? null : wanted;
}
