import type { Logger } from 'pino';
import { LiveKitError } from './LiveKitError.js';
import type { LiveKitGateway } from './LiveKitGateway.js';
import type { LiveKitAction } from './livekitActionsFor.js';
import { stagePermissionUpdate } from './stagePermission.js';

export const ACTION_RETRY_BASE_MS = 500;
export const ACTION_RETRY_MAX_MS = 30_000;
/** A transient failure is retried for this long, then the action is given up (and logged). */
export const ACTION_GIVE_UP_AFTER_MS = 15 * 60_000;
export const MAX_PENDING_ACTIONS = 10_000;

export interface LiveKitActionQueueOptions {
  gateway: LiveKitGateway;
  logger: Logger;
  retryBaseMs?: number;
  retryMaxMs?: number;
  giveUpAfterMs?: number;
}

export interface ActionStats {
  pending: number;
  done: number;
  failed: number;
  retried: number;
}

/**
 * Runs LiveKit actions off the follower's path: in order per LiveKit room, retried with
 * exponential backoff while LiveKit is unreachable, woken at once when it is back.
 */
export class LiveKitActionQueue {
  readonly #gateway: LiveKitGateway;
  readonly #logger: Logger;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #giveUpAfterMs: number;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #sleepers = new Set<() => void>();
  #pending = 0;
  #closed = false;
  readonly stats: ActionStats = { pending: 0, done: 0, failed: 0, retried: 0 };

  constructor(options: LiveKitActionQueueOptions) {
    this.#gateway = options.gateway;
    this.#logger = options.logger.child({ module: 'livekit-sync' });
    this.#retryBaseMs = options.retryBaseMs ?? ACTION_RETRY_BASE_MS;
    this.#retryMaxMs = options.retryMaxMs ?? ACTION_RETRY_MAX_MS;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? ACTION_GIVE_UP_AFTER_MS;
  }

  /**
   * Runs `action` after the actions queued before it for the same room. The promise (which never
   * rejects) says whether it was done; callers that must not wait simply ignore it.
   */
  enqueue(action: LiveKitAction): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#pending >= MAX_PENDING_ACTIONS) {
      this.stats.failed++;
      this.#logger.error({ action: describe(action) }, 'LiveKit action dropped: too many pending');
      return Promise.resolve(false);
    }
    this.#pending++;
    this.stats.pending = this.#pending;
    const previous = this.#chains.get(action.room) ?? Promise.resolve();
    const done = previous.then(() => this.#run(action));
    const next = done.then(() => undefined);
    this.#chains.set(action.room, next);
    void next.finally(() => {
      this.#pending--;
      this.stats.pending = this.#pending;
      if (this.#chains.get(action.room) === next) this.#chains.delete(action.room);
    });
    return done;
  }

  /** LiveKit answers again: retry what is waiting now instead of at its next backoff. */
  wake(): void {
    for (const wake of [...this.#sleepers]) wake();
  }

  /** Resolves when every queued action has finished (done, failed or given up). */
  async idle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  close(): void {
    this.#closed = true;
    this.wake();
  }

  async #run(action: LiveKitAction): Promise<boolean> {
    const started = Date.now();
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        await this.#execute(action);
        this.stats.done++;
        return true;
      } catch (error) {
        const retryable = !(error instanceof LiveKitError) || error.retryable;
        if (!retryable || Date.now() - started > this.#giveUpAfterMs) {
          this.stats.failed++;
          this.#logger.error({ err: error, action: describe(action) }, 'LiveKit action failed');
          return false;
        }
        this.stats.retried++;
        const delay = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** attempt);
        this.#logger.warn({ action: describe(action), attempt, delay }, 'LiveKit action will be retried');
        await this.#sleep(delay);
      }
    }
    return false;
  }

  async #execute(action: LiveKitAction): Promise<void> {
    switch (action.kind) {
      case 'createRoom':
        return this.#gateway.createRoom(action.input);
      case 'deleteRoom':
        return this.#gateway.deleteRoom(action.room);
      case 'removeParticipant':
        return this.#gateway.removeParticipant(action.room, action.identity);
      case 'setPermission':
        // Absent participant: nothing to promote now; the co-host token carries the grant.
        await this.#gateway.setParticipantPermission(action.room, action.identity, action.permission);
        return;
      case 'setStageRole': {
        const participant = await this.#gateway.getParticipant(action.room, action.identity);
        const permission = participant && stagePermissionUpdate(action.role, participant);
        if (permission)
          await this.#gateway.setParticipantPermission(action.room, action.identity, permission);
        return;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#sleepers.add(done);
    });
  }
}

function describe(action: LiveKitAction): string {
  return 'identity' in action
    ? `${action.kind} ${action.room} ${action.identity}`
    : `${action.kind} ${action.room}`;
}
