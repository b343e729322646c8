import { presenceRule } from '../../presence/presenceRule.js';
import type { ViewerPresence } from '../../presence/ViewerPresence.js';
import type { BlockStage } from '../BlockStage.js';

/**
 * (3) Presence follows the chain: ended and banned rooms are emptied, kicked viewers leave. A
 * retracted block undoes nothing here: whoever it sent away may join again (the chain allows it).
 */
export function presenceStage(presence: Pick<ViewerPresence, 'clear' | 'leave'>): BlockStage {
  return {
    name: 'presence',
    apply: (block, kind) => {
      if (kind === 'confirmed') return;
      for (const event of block.events) {
        const effect = presenceRule(event);
        if (effect?.op === 'clear') presence.clear(effect.roomId);
        else if (effect?.op === 'leave') presence.leave(effect.roomId, effect.identity);
      }
    },
  };
}
