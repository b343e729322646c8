import { z } from 'zod';
import { LIVESTREAM_EVENT_FIELDS, type LivestreamEventName } from '../chain/livestreamEvents.js';
import { EVENT_MESSAGE_TYPES } from './chainEventMessage.js';
import { ClientFrame, CloseCode } from './protocol.js';
import { SERVER_MESSAGES } from './serverMessages.js';
import { WS_PATHS } from './WebSocketGateway.js';

/** The WebSocket protocol as JSON Schemas generated from the same zod schemas that check frames. */
export function buildProtocolDocument(): object {
  return {
    title: 'Stardust livestream WebSocket protocol',
    paths: WS_PATHS,
    description:
      'JSON text frames with a `type`. Optional auth: sign `livestream:auth:<timestamp>` (single-use). ' +
      'Room events come from best blocks (`final: false`) and are confirmed by `block:finalized` (every event of a ' +
      'block up to that number is final) or taken back by `events:retracted` (a re-org dropped their block); ' +
      'join-room with `finalOnly: true` gets them once final only. ' +
      'join-room with `since` (the last event held as final) replays the room final events after that id, then ' +
      'its events not final yet, or sends room:reset when they are no longer buffered.',
    clientFrames: z.toJSONSchema(ClientFrame),
    serverMessages: Object.fromEntries(
      Object.entries(SERVER_MESSAGES).map(([name, schema]) => [name, z.toJSONSchema(schema)]),
    ),
    chainEvents: EVENT_MESSAGE_TYPES,
    chainEventData: chainEventDataSchemas(),
    closeCodes: CloseCode,
  };
}

/**
 * The `data` of each chain event message type, so clients can type it (`room:live` carries
 * LiveStarted's). Fields a later pallet version adds may appear beside these.
 */
function chainEventDataSchemas(): Record<string, object> {
  const schemas: Record<string, object> = {};
  for (const [event, type] of Object.entries(EVENT_MESSAGE_TYPES)) {
    schemas[type] = z.toJSONSchema(LIVESTREAM_EVENT_FIELDS[event as LivestreamEventName], { io: 'input' });
  }
  schemas['room:live'] = schemas['live:started'] as object;
  return schemas;
}
