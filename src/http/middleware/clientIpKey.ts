import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { IPV6_SUBNET_PREFIX_BITS } from './rateLimits.js';

/** The client's IP as the per-IP limits key it (IPv6 by its /56, IPv4-mapped as IPv4). */
export function clientIpKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '', IPV6_SUBNET_PREFIX_BITS);
}
