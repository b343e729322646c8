import { createHash } from 'node:crypto';

/** A serialized response body with its (weak) entity tag. */
export interface JsonPage {
  body: Buffer;
  etag: string;
}

/** Same form as Express's default weak ETag: length and SHA-1 of the body. */
export function jsonPage(value: unknown): JsonPage {
  const body = Buffer.from(JSON.stringify(value));
  const hash = createHash('sha1').update(body).digest('base64').slice(0, 27);
  return { body, etag: `W/"${body.length.toString(16)}-${hash}"` };
}
