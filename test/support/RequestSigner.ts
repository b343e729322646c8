import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { roomMessage } from '../../src/auth/signedMessages.js';

/** The address field names the endpoints accept. */
export type AddressField = 'address' | 'publicKey' | 'viewerAddress' | 'coHostAddress';

export interface SignOptions {
  /** Default: a fresh timestamp, so every signed message is new (the server accepts each once). */
  timestamp?: number;
  /** Sign the `<Bytes>`-wrapped text as browser extensions do; default: the raw text (mobile app). */
  wrapped?: boolean;
  /** Default `address`. */
  field?: AddressField;
  /** The address as sent; default the pair's SS58-42 address. */
  address?: string;
  /** MultiSignature form: a type byte before the signature. */
  withType?: boolean;
  /** Fields added to the body (e.g. `{type: 'video'}`). */
  extra?: Record<string, unknown>;
}

export interface SignedRoomBody {
  roomId: number;
  signature: string;
  timestamp: number;
  [field: string]: unknown;
}

/**
 * Signs `livestream:<roomId>:<timestamp>` with a real keyring pair (sr25519, ed25519 or ecdsa), as
 * the app and browser extensions do, and builds the request body.
 */
export class RequestSigner {
  #lastTimestamp = 0;

  /** A timestamp near now, strictly increasing across calls. */
  timestamp(): number {
    this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp + 1);
    return this.#lastTimestamp;
  }

  sign(pair: KeyringPair, roomId: number, options: SignOptions = {}): SignedRoomBody {
    const timestamp = options.timestamp ?? this.timestamp();
    const text = stringToU8a(roomMessage(roomId, timestamp));
    const signed = options.wrapped ? u8aWrapBytes(text) : text;
    const signature = u8aToHex(pair.sign(signed, { withType: options.withType ?? false }));
    return {
      roomId,
      [options.field ?? 'address']: options.address ?? pair.address,
      signature,
      timestamp,
      ...options.extra,
    };
  }
}
