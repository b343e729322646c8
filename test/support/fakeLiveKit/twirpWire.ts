import type { IncomingMessage, ServerResponse } from 'node:http';

/*
 * The HTTP side of a Twirp v8 server as LiveKit generates it: status codes, error bodies, Go protojson
 * response shapes, and Go's plain-text `http.Error`.
 */

/** twirp `ServerHTTPStatusFromErrorCode`. */
export const TWIRP_STATUS = {
  canceled: 408,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
  unknown: 500,
} as const;
export type TwirpCode = keyof typeof TWIRP_STATUS;

type FieldLike = {
  kind: string;
  name: string;
  localName: string;
  repeated: boolean;
  oneof?: unknown;
  T?: unknown;
};

/** A protobuf-es message, as far as the wire needs it. */
export type TwirpMessage = {
  toJson(options: { useProtoFieldName: boolean; emitDefaultValues: boolean }): unknown;
  toBinary(): Uint8Array;
  getType(): { fields: { list(): readonly FieldLike[] } };
};

/**
 * Go protojson with `UseProtoNames` and `EmitUnpopulated`, as the Twirp server writes: snake_case,
 * every field present, unset sub-messages as `null` (protobuf-es leaves those out).
 */
export function twirpJson(message: TwirpMessage): unknown {
  const json = message.toJson({ useProtoFieldName: true, emitDefaultValues: true });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return json;
  }
  const out: Record<string, unknown> = { ...json };
  for (const field of message.getType().fields.list()) {
    // Unset oneof members stay absent in protojson; well-known types have their own JSON form.
    if (field.kind !== 'message' || field.oneof !== undefined || isWellKnownType(field.T)) {
      continue;
    }
    const value: unknown = Reflect.get(message, field.localName);
    if (field.repeated && Array.isArray(value)) {
      out[field.name] = value.map((item: unknown) => (isMessage(item) ? twirpJson(item) : item));
    } else if (value === undefined) {
      out[field.name] = null;
    } else if (isMessage(value)) {
      out[field.name] = twirpJson(value);
    }
  }
  return out;
}

function isWellKnownType(type: unknown): boolean {
  return (
    typeof type === 'object' &&
    type !== null &&
    'typeName' in type &&
    String(type.typeName).startsWith('google.protobuf.')
  );
}

function isMessage(value: unknown): value is TwirpMessage {
  return typeof value === 'object' && value !== null && 'getType' in value && 'toJson' in value;
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseJsonOrUndefined(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Twirp's error body; the SDK parses it only when the content type is exactly `application/json`. */
export function writeTwirpError(response: ServerResponse, code: TwirpCode, msg: string): number {
  return writeJson(response, TWIRP_STATUS[code], { code, msg });
}

export function writeJson(response: ServerResponse, status: number, value: unknown): number {
  const payload = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
  return status;
}

/** Go's `http.Error`. */
export function writeText(response: ServerResponse, status: number, text: string): number {
  const payload = `${text}\n`;
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
  return status;
}
