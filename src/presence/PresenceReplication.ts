/** One change of presence; instances sharing Redis replay each other's changes. */
export type PresenceChange =
  | { op: 'join' | 'leave'; roomId: number; identity: string }
  /** Viewers that are still there (held by WebSockets of the sender): counted for another TTL. */
  | { op: 'confirm'; roomId: number; identities: string[] }
  | { op: 'livekit'; roomId: number; identity: string; present: boolean; at: number; session?: string }
  | { op: 'replace'; roomId: number; identities: string[]; at: number }
  | { op: 'clear'; roomId: number; at?: number };

/**
 * What presence offers a replication between instances (the Redis one lives in src/scaleout):
 * the changes made here go out, those made elsewhere come in.
 */
export interface PresenceReplication {
  /** Called for every change made on this instance (not for `applyRemote`). */
  onLocalChange(listener: (change: PresenceChange) => void): () => void;
  /** A change made on another instance. */
  applyRemote(change: PresenceChange): void;
}
