import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { Config, TrustProxy } from '../config/Config.js';

/** Who a client is and whether its page may talk to us: one answer for HTTP and WebSocket. */
export interface ClientPolicy {
  /** Any browser origin is let in (development only: the config refuses it in production). */
  readonly anyOrigin: boolean;
  /**
   * A listed browser origin is let in; no Origin at all is a native app or a tool, not a page that
   * could ride on someone's session, so it is let in too.
   */
  originAllowed(origin: string | undefined): boolean;
  /** Which hops to believe about the client's address (Express's `trust proxy` takes it as is). */
  readonly trust: (address: string, hop: number) => boolean;
  /** The client's address as the trusted proxies report it. */
  clientIp(req: IncomingMessage): string;
}

export interface ClientPolicyOptions {
  cors: Config['cors'];
  trustProxy: TrustProxy;
}

export function clientPolicy(options: ClientPolicyOptions): ClientPolicy {
  const allowed = new Set(options.cors.origins);
  const anyOrigin = options.cors.anyOrigin;
  const setting = options.trustProxy;
  const trust =
    typeof setting === 'number'
      ? (_address: string, hop: number) => hop < setting
      : proxyAddr.compile(setting === false ? [] : [...setting]);
  return {
    anyOrigin,
    originAllowed: (origin) => origin === undefined || anyOrigin || allowed.has(origin),
    trust,
    clientIp: (req) => {
      try {
        return proxyAddr(req, trust);
      } catch {
        return req.socket.remoteAddress ?? 'unknown';
      }
    },
  };
}
