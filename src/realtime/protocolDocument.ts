import { z } from 'zod';
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
      'join-room with `since` replays the room events after that id, or sends room:reset when they are no longer buffered.',
    clientFrames: z.toJSONSchema(ClientFrame),
    serverMessages: Object.fromEntries(
      Object.entries(SERVER_MESSAGES).map(([name, schema]) => [name, z.toJSONSchema(schema)]),
    ),
    chainEvents: EVENT_MESSAGE_TYPES,
    closeCodes: CloseCode,
  };
}
