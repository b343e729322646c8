/**
 * Who is watching which room. Until LiveKit webhooks report participants, the token endpoints
 * are the only source: a viewer token adds its identity, viewer-leave removes it.
 */
export class ViewerPresence {
  readonly #rooms = new Map<number, Set<string>>();
  readonly #listeners = new Set<(roomId: number, count: number) => void>();

  /** Called with the new count whenever a room's count changes. */
  onCountChange(listener: (roomId: number, count: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  join(roomId: number, identity: string): void {
    const viewers = this.#rooms.get(roomId) ?? new Set<string>();
    this.#rooms.set(roomId, viewers);
    if (viewers.has(identity)) return;
    viewers.add(identity);
    this.#changed(roomId, viewers.size);
  }

  leave(roomId: number, identity: string): void {
    const viewers = this.#rooms.get(roomId);
    if (!viewers?.delete(identity)) return;
    if (viewers.size === 0) this.#rooms.delete(roomId);
    this.#changed(roomId, viewers.size);
  }

  /** The room ended or was banned: nobody is watching any more. */
  clear(roomId: number): void {
    if (this.#rooms.delete(roomId)) this.#changed(roomId, 0);
  }

  count(roomId: number): number {
    return this.#rooms.get(roomId)?.size ?? 0;
  }

  viewers(roomId: number): string[] {
    return [...(this.#rooms.get(roomId) ?? [])];
  }

  #changed(roomId: number, count: number): void {
    for (const listener of this.#listeners) listener(roomId, count);
  }
}
