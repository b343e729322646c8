import { TrackSource } from 'livekit-server-sdk';
import type { PublishSource } from './LiveKitGateway.js';

const TRACK_SOURCES: Record<PublishSource, TrackSource> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

/** Our source name as the SDK's enum (in grants and permission updates). */
export function toTrackSource(source: PublishSource): TrackSource {
  return TRACK_SOURCES[source];
}

/** The SDK's enum as our source name; null for UNKNOWN or a source we do not name. */
export function fromTrackSource(source: TrackSource): PublishSource | null {
  for (const [name, value] of Object.entries(TRACK_SOURCES)) {
    if (value === source) return name as PublishSource;
  }
  return null;
}
