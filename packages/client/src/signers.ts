import { bytesToHex, utf8ToBytes } from './hex.js';

/**
 * Who signs the API's challenge texts (`livestream:<roomId>:<timestamp>` for token calls,
 * `livestream:auth:<timestamp>` for the WebSocket). Each signed text is accepted once by the server,
 * so the client asks for a fresh signature per call.
 */
export interface Signer {
  /** SS58 address (any prefix) or 0x public key the signature is checked against. */
  readonly address: string;
  /** Signs the UTF-8 `text`; resolves with the 0x-hex signature. */
  signText(text: string): Promise<string>;
}

/** The part of a `@polkadot/keyring` pair that signing needs (sr25519, ed25519 or ecdsa). */
export interface KeyringPairLike {
  readonly address: string;
  sign(message: Uint8Array): Uint8Array;
}

/** Signs with a keyring pair over the raw text, as the mobile app does. */
export function keyringSigner(pair: KeyringPairLike): Signer {
  return {
    address: pair.address,
    signText: async (text) => bytesToHex(pair.sign(utf8ToBytes(text))),
  };
}

/** A polkadot.js-extension style signer (`injector.signer` of `web3FromAddress`, Talisman, SubWallet). */
export interface SignRawInjector {
  signRaw?: (payload: { address: string; data: string; type: 'bytes' }) => Promise<{ signature: string }>;
}

/**
 * Signs through a browser extension's `signRaw`, which wraps the text in `<Bytes>…</Bytes>` before
 * signing (the server accepts both forms). Each call may be a prompt in the wallet.
 */
export function injectedSigner(address: string, injector: SignRawInjector): Signer {
  const signRaw = injector.signRaw;
  if (!signRaw) throw new TypeError('the injected signer has no signRaw');
  return {
    address,
    signText: async (text) => {
      const { signature } = await signRaw({ address, data: bytesToHex(utf8ToBytes(text)), type: 'bytes' });
      return signature;
    },
  };
}

/**
 * A sign-in session (Sign-In with Substrate): calls carry `Authorization: Bearer <access token>`
 * instead of a body signature, and the WebSocket authenticates with `{type:"auth", token}`.
 * `accessToken` is asked before each use, so it can refresh an expiring token.
 */
export interface SessionCredentials {
  readonly address: string;
  accessToken(): Promise<string>;
  /** A new access token now: asked once when the server refused one (401), then the call is retried. */
  refresh?(): Promise<string>;
}

export function roomMessage(roomId: number, timestamp: number): string {
  return `livestream:${roomId}:${timestamp}`;
}

export function authMessage(timestamp: number): string {
  return `livestream:auth:${timestamp}`;
}
