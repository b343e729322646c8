/**
 * What the hub offers a relay between instances (the Redis one lives in src/scaleout): room
 * broadcasts that do not come from the chain (presence) go out, and those of other instances come
 * in. Chain events need no relay: every instance follows the chain itself.
 */
export interface RoomBroadcastRelay {
  /** Listens to room broadcasts made here that other instances must relay. */
  onRelay(listener: (roomId: number, frame: Buffer) => void): () => void;
  /** Told when this instance gets its first member of a room, or loses its last one. */
  onMembership(listener: (roomId: number, hasMembers: boolean) => void): () => void;
  /** A room broadcast relayed from another instance: delivered to the members here. */
  deliverRelayed(roomId: number, frame: Buffer): void;
}
