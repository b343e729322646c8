import type { RealtimeHub } from '../../realtime/RealtimeHub.js';
import type { BlockStage } from '../BlockStage.js';

/**
 * (5) Realtime: each event becomes WebSocket frames for its room, everyone or some accounts (from
 * the best block on, `final: false`); a retracted block's events are taken back; each advance of
 * finality is one `block:finalized` frame per connection.
 */
export function realtimeStage(
  hub: Pick<RealtimeHub, 'publishBlock' | 'retract' | 'finalized' | 'reset'>,
): BlockStage {
  return {
    name: 'realtime',
    // The chain changed under the clients: their buffered history is void.
    reset: (head) => hub.reset(head.number),
    apply: (block, kind) => hub.publishBlock(block, kind),
    retract: (block) => hub.retract(block),
    finalized: (head) => hub.finalized(head),
  };
}
