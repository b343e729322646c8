import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { IPV6_SUBNET_PREFIX_BITS } from './rateLimits.js';

/**
 * The key every per-client limit counts under (the rate limiters, the connection guard): IPv6 by its
 * /56, IPv4-mapped IPv6 as IPv4.
 */
export function clientIpKeyOf(ip: string): string {
  return ipKeyGenerator(ip, IPV6_SUBNET_PREFIX_BITS);
}

/** The key of the request's client, its IP as the app's `trust proxy` (the client policy) reports it. */
export function clientIpKey(req: Request): string {
  return clientIpKeyOf(req.ip ?? req.socket.remoteAddress ?? '');
}
