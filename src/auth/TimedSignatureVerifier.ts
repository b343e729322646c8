import type { Histogram } from 'prom-client';
import type { SignatureVerifier } from './SignatureVerifier.js';

/** Measures every verification (the cost centre of the token path) into a histogram. */
export class TimedSignatureVerifier implements SignatureVerifier {
  readonly #inner: SignatureVerifier;
  readonly #histogram: Histogram<'valid'>;

  constructor(inner: SignatureVerifier, histogram: Histogram<'valid'>) {
    this.#inner = inner;
    this.#histogram = histogram;
  }

  async verify(message: Uint8Array, signature: Uint8Array, accountId: Uint8Array): Promise<boolean> {
    const end = this.#histogram.startTimer();
    const valid = await this.#inner.verify(message, signature, accountId);
    end({ valid: String(valid) });
    return valid;
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
