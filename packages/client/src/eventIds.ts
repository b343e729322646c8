/** Event ids are `<block>-<index>` chain positions: compares them in chain order. */
export function compareEventIds(a: string, b: string): number {
  const [ab = 0, ai = 0] = a.split('-').map(Number);
  const [bb = 0, bi = 0] = b.split('-').map(Number);
  return ab - bb || ai - bi;
}

/** Index past any block's last event, so `<block - 1>-<MAX>` sorts before every event of `block`. */
const MAX_EVENT_INDEX = 999_999;

/** The id just before `id` in chain order (a resume point that includes `id` itself). */
export function previousEventId(id: string): string {
  const [block = 0, index = 0] = id.split('-').map(Number);
  if (index > 0) return `${block}-${index - 1}`;
  return `${Math.max(block - 1, 0)}-${MAX_EVENT_INDEX}`;
}

export const EVENT_ID_PATTERN = /^\d{1,12}-\d{1,6}$/;
