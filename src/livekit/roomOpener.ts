import type { ChainRoom } from '../chain/types.js';
import type { LiveKitStatus } from './LiveKitHealth.js';
import { type LiveKitAction, openRoomAction, type RoomLimits } from './livekitActionsFor.js';

/** How long a publisher token waits for its room to be created before it is issued anyway. */
export const OPEN_ROOM_WAIT_MS = 2_000;

export interface RoomOpenerOptions {
  enqueue: (action: LiveKitAction) => Promise<boolean>;
  livekitStatus: () => LiveKitStatus;
  limits: RoomLimits;
  maxWaitMs?: number;
}

/**
 * Creates a room's LiveKit room (an upsert, so every publisher token may ask) and waits for it, so
 * that the host's connection right after the token finds it. The wait is bounded, and skipped while
 * LiveKit is known to be down: the token is issued anyway and the queued action runs on recovery.
 */
export function roomOpener(options: RoomOpenerOptions): (room: ChainRoom) => Promise<void> {
  const maxWaitMs = options.maxWaitMs ?? OPEN_ROOM_WAIT_MS;
  return async (room) => {
    const created = options.enqueue(openRoomAction(room.id, room, options.limits));
    if (options.livekitStatus() !== 'connected') return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    await Promise.race([created, waited]);
    clearTimeout(timer);
  };
}
