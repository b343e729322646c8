import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { authMessage } from '../../src/auth/signedMessages.js';
import { WS_TEST_TIMEOUT_MS, type WsMessage, type WsTestClient } from './WsTestClient.js';

/** Deadline for the first signature check of a freshly started service. */
export const WORKER_WARMUP_MS = 30_000;

export interface WsAuthFrame {
  type: 'auth';
  address: string;
  signature: string;
  timestamp: number;
}

/**
 * Builds the WebSocket `auth` frame the app sends: `livestream:auth:<timestamp>` signed by a real
 * keyring pair. Timestamps strictly increase, since the server accepts each signed text once.
 */
export class WsAuthSigner {
  #lastTimestamp = 0;

  frame(pair: KeyringPair, timestamp?: number): WsAuthFrame {
    this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp + 1);
    const at = timestamp ?? this.#lastTimestamp;
    return {
      type: 'auth',
      address: pair.address,
      signature: u8aToHex(pair.sign(stringToU8a(authMessage(at)))),
      timestamp: at,
    };
  }

  /**
   * Authenticates `client` as `pair`; resolves with `auth:ok`. The service's signature workers start
   * with it, so the first check of a test file may take seconds: give that one a longer deadline
   * (`WORKER_WARMUP_MS`).
   */
  async authenticate(
    client: WsTestClient,
    pair: KeyringPair,
    timeoutMs = WS_TEST_TIMEOUT_MS,
  ): Promise<WsMessage> {
    client.send(this.frame(pair));
    const reply = await client.next((m) => m.type === 'auth:ok' || m.type === 'error', timeoutMs);
    if (reply.type !== 'auth:ok') throw new Error(`auth refused: ${JSON.stringify(reply)}`);
    return reply;
  }
}
