import type { Store } from 'express-rate-limit';

/** A rate-limit store whose backend is down: every call fails, as a Redis store does when Redis is gone. */
export class FailingStore implements Store {
  prefix: string;
  constructor(prefix: string) {
    this.prefix = prefix;
  }
  increment(): Promise<never> {
    return Promise.reject(new Error('store unavailable'));
  }
  decrement(): Promise<never> {
    return Promise.reject(new Error('store unavailable'));
  }
  resetKey(): Promise<never> {
    return Promise.reject(new Error('store unavailable'));
  }
}
