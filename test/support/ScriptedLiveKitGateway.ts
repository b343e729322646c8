import type {
  CreateRoomInput,
  LiveKitGateway,
  ParticipantPermissionSet,
  ParticipantSummary,
  PermissionUpdateOutcome,
} from '../../src/livekit/LiveKitGateway.js';
import { stagePermission } from '../../src/livekit/stagePermission.js';

export type GatewayCall =
  | { method: 'createRoom'; room: string; input: CreateRoomInput }
  | { method: 'deleteRoom'; room: string }
  | { method: 'removeParticipant'; room: string; identity: string }
  | {
      method: 'setParticipantPermission';
      room: string;
      identity: string;
      permission: ParticipantPermissionSet;
    }
  | { method: 'listParticipants'; room: string }
  | { method: 'getParticipant'; room: string; identity: string }
  | { method: 'listRooms'; room: '' }
  | { method: 'ping'; room: '' };

/**
 * What a call does: return (or resolve) a value for the call's result, throw (or reject) to fail
 * it, or return `undefined` for the default (success; the participants set with `setParticipants`).
 */
export type GatewayScript = (call: GatewayCall, index: number) => unknown;

/**
 * A `LiveKitGateway` for unit tests of its callers: records every call in order and lets the test
 * decide, call by call, what happens (fail, succeed, or hold until the test releases it).
 */
export class ScriptedLiveKitGateway implements LiveKitGateway {
  readonly calls: GatewayCall[] = [];
  script: GatewayScript = () => undefined;
  readonly #participants = new Map<string, ParticipantSummary[]>();
  readonly #waiters = new Set<() => void>();

  setParticipants(room: string, identities: readonly string[]): void {
    this.#participants.set(
      room,
      identities.map((identity) => ({
        identity,
        state: 'active',
        joinedAtMs: Date.now(),
        permission: stagePermission('viewer'),
        attributes: {},
        standard: true,
      })),
    );
  }

  /** Resolves once at least `count` calls were made in total. */
  async callCount(count: number): Promise<void> {
    while (this.calls.length < count) {
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  createRoom(input: CreateRoomInput): Promise<void> {
    return this.#call({ method: 'createRoom', room: input.name, input }, undefined);
  }

  deleteRoom(room: string): Promise<void> {
    return this.#call({ method: 'deleteRoom', room }, undefined);
  }

  removeParticipant(room: string, identity: string): Promise<void> {
    return this.#call({ method: 'removeParticipant', room, identity }, undefined);
  }

  setParticipantPermission(
    room: string,
    identity: string,
    permission: ParticipantPermissionSet,
  ): Promise<PermissionUpdateOutcome> {
    return this.#call({ method: 'setParticipantPermission', room, identity, permission }, 'updated' as const);
  }

  listParticipants(room: string): Promise<ParticipantSummary[]> {
    return this.#call({ method: 'listParticipants', room }, this.#participants.get(room) ?? []);
  }

  getParticipant(room: string, identity: string): Promise<ParticipantSummary | null> {
    const found = this.#participants.get(room)?.find((participant) => participant.identity === identity);
    return this.#call({ method: 'getParticipant', room, identity }, found ?? null);
  }

  listRooms(): Promise<string[]> {
    return this.#call({ method: 'listRooms', room: '' }, [...this.#participants.keys()]);
  }

  ping(): Promise<void> {
    return this.#call({ method: 'ping', room: '' }, undefined);
  }

  async #call<T>(call: GatewayCall, fallback: T): Promise<T> {
    const index = this.calls.length;
    this.calls.push(call);
    for (const wake of [...this.#waiters]) {
      this.#waiters.delete(wake);
      wake();
    }
    const result = await this.script(call, index);
    return result === undefined ? fallback : (result as T);
  }
}
