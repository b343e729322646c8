import type { TwirpCode } from './twirpWire.js';

/** A RoomService method refuses: answered as a Twirp error with this code. */
export class TwirpFailure extends Error {
  readonly code: TwirpCode;

  constructor(code: TwirpCode, msg: string) {
    super(msg);
    this.code = code;
  }
}
