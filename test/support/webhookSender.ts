import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ParticipantInfo, ParticipantInfo_State, Room, TrackInfo, WebhookEvent } from '@livekit/protocol';
import type { WebhookEventNames } from 'livekit-server-sdk';

/** livekit/protocol `webhook/url_notifier.go` signs each delivery for 5 minutes. */
export const WEBHOOK_TOKEN_TTL_SECONDS = 5 * 60;
export const WEBHOOK_CONTENT_TYPE = 'application/webhook+json';
/** A hung receiver must fail the test, not hang it. */
export const WEBHOOK_DELIVERY_TIMEOUT_MS = 10_000;
const MS_PER_SECOND = 1000;
const SID_LENGTH = 12;
const SID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

type RoomInit = NonNullable<ConstructorParameters<typeof Room>[0]>;
type ParticipantInit = NonNullable<ConstructorParameters<typeof ParticipantInfo>[0]>;
type TrackInit = NonNullable<ConstructorParameters<typeof TrackInfo>[0]>;

export type WebhookEventName = Exclude<WebhookEventNames, ''> | 'agent_job_started' | 'agent_job_ended';

export type WebhookInput = {
  event: WebhookEventName;
  /** A room name, or the room's fields. A name gets a sid derived from it (stable across events). */
  room?: string | RoomInit;
  /** An identity, or the participant's fields. */
  participant?: string | ParticipantInit;
  track?: TrackInit;
  /** Default: a fresh `EV_…` id. Reuse an id to model a retried delivery that was re-built. */
  id?: string;
  /** Seconds since the epoch. Default: now. */
  createdAt?: number;
  numDropped?: number;
};

/** A signed delivery, ready to be sent (once, several times, or out of order). */
export type PreparedWebhook = {
  id: string;
  event: WebhookEvent;
  /** The exact bytes that were hashed into the token. */
  body: string;
  /** The raw JWT, as LiveKit sends it: no `Bearer` prefix. */
  authorization: string;
};

export type DeliverOptions = {
  /** Change the body after signing (the `sha256` claim no longer matches). */
  tamper?: boolean;
  omitAuthorization?: boolean;
  /** Send this header value instead of the signed token (e.g. `Bearer <jwt>`). */
  authorization?: string;
};

export type WebhookResponse = { status: number; body: string; headers: Headers };

export type SignOptions = {
  /** Seconds since the epoch; default now. Backdate to produce an expired token. */
  issuedAt?: number;
  ttlSeconds?: number;
  /** Sign with another secret (a forged delivery). */
  secret?: string;
};

export type WebhookSenderOptions = {
  /** Where to POST, e.g. `http://127.0.0.1:<port>/api/livekit/webhook`. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** ms since the epoch. */
  now?: () => number;
};

export type WebhookSender = {
  readonly url: string;
  /** Builds the event body and signs it as the LiveKit server does. */
  prepare(input: WebhookInput, signOptions?: SignOptions): PreparedWebhook;
  /** POSTs a prepared delivery (repeat it for a duplicate, reorder deliveries for a reorder). */
  deliver(prepared: PreparedWebhook, options?: DeliverOptions): Promise<WebhookResponse>;
  send(input: WebhookInput, options?: DeliverOptions): Promise<WebhookResponse>;
  /** The same delivery `copies` times, one after the other, as a retrying sender produces. */
  sendDuplicate(input: WebhookInput, copies?: number): Promise<WebhookResponse[]>;
  sendTampered(input: WebhookInput): Promise<WebhookResponse>;
  sendUnsigned(input: WebhookInput): Promise<WebhookResponse>;
  /** The `Authorization` value for `body`: HS256, `iss` = key, `sha256` = base64(SHA-256(body)). */
  sign(body: string, options?: SignOptions): string;
};

/**
 * Sends LiveKit webhooks the way the server does: protojson bodies as `application/webhook+json`,
 * signed by an HS256 JWT in `Authorization` whose `sha256` claim is the body's hash.
 */
export function webhookSender(options: WebhookSenderOptions): WebhookSender {
  const now = options.now ?? Date.now;

  const sign = (body: string, signOptions: SignOptions = {}): string => {
    const issuedAt = signOptions.issuedAt ?? Math.floor(now() / MS_PER_SECOND);
    return signHs256(
      {
        iss: options.apiKey,
        nbf: issuedAt,
        exp: issuedAt + (signOptions.ttlSeconds ?? WEBHOOK_TOKEN_TTL_SECONDS),
        sha256: createHash('sha256').update(body).digest('base64'),
      },
      signOptions.secret ?? options.apiSecret,
    );
  };

  const prepare = (input: WebhookInput, signOptions?: SignOptions): PreparedWebhook => {
    const event = buildEvent(input, Math.floor(now() / MS_PER_SECOND));
    // Go protojson: camelCase, defaults omitted, int64 (createdAt) as a string.
    const body = JSON.stringify(event.toJson());
    return { id: event.id, event, body, authorization: sign(body, signOptions) };
  };

  const deliver = async (prepared: PreparedWebhook, deliverOptions: DeliverOptions = {}) => {
    const headers: Record<string, string> = {
      'content-type': WEBHOOK_CONTENT_TYPE,
      'user-agent': 'LiveKit',
    };
    if (deliverOptions.omitAuthorization !== true) {
      headers.authorization = deliverOptions.authorization ?? prepared.authorization;
    }
    const body = deliverOptions.tamper === true ? tamper(prepared.body) : prepared.body;
    const response = await fetch(options.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(WEBHOOK_DELIVERY_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.text(), headers: response.headers };
  };

  const send = (input: WebhookInput, deliverOptions?: DeliverOptions) =>
    deliver(prepare(input), deliverOptions);

  return {
    url: options.url,
    prepare,
    deliver,
    send,
    sign,
    async sendDuplicate(input, copies = 2) {
      const prepared = prepare(input);
      const responses: WebhookResponse[] = [];
      for (let copy = 0; copy < copies; copy += 1) {
        responses.push(await deliver(prepared));
      }
      return responses;
    },
    sendTampered: (input) => send(input, { tamper: true }),
    sendUnsigned: (input) => send(input, { omitAuthorization: true }),
  };
}

function buildEvent(input: WebhookInput, nowSeconds: number): WebhookEvent {
  const createdAt = input.createdAt ?? nowSeconds;
  const event = new WebhookEvent({
    event: input.event,
    id: input.id ?? newSid('EV_'),
    createdAt: BigInt(createdAt),
    numDropped: input.numDropped ?? 0,
  });
  if (input.room !== undefined) {
    event.room =
      typeof input.room === 'string'
        ? new Room({ sid: roomSid(input.room), name: input.room })
        : new Room(input.room);
  }
  if (input.participant !== undefined) {
    const left = input.event === 'participant_left' || input.event === 'participant_connection_aborted';
    const defaults: ParticipantInit = {
      sid: newSid('PA_'),
      state: left ? ParticipantInfo_State.DISCONNECTED : ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(createdAt),
      joinedAtMs: BigInt(createdAt * MS_PER_SECOND),
    };
    event.participant = new ParticipantInfo(
      typeof input.participant === 'string'
        ? { ...defaults, identity: input.participant }
        : { ...defaults, ...input.participant },
    );
  }
  if (input.track !== undefined) {
    event.track = new TrackInfo(input.track);
  }
  return event;
}

/** A valid event that differs from the signed one. */
function tamper(body: string): string {
  const parsed: unknown = JSON.parse(body);
  const record = typeof parsed === 'object' && parsed !== null ? parsed : {};
  const numDropped = 'numDropped' in record && typeof record.numDropped === 'number' ? record.numDropped : 0;
  return JSON.stringify({ ...record, numDropped: numDropped + 1 });
}

/** The same name always yields the same sid, so separate events about one room agree. */
function roomSid(name: string): string {
  return `RM_${sidChars(createHash('sha256').update(name).digest())}`;
}

/** LiveKit-style id: prefix + 12 alphanumerics (`EV_`, `PA_`, `RM_`). */
export function newSid(prefix: string): string {
  return `${prefix}${sidChars(randomBytes(SID_LENGTH))}`;
}

function sidChars(bytes: Buffer): string {
  let sid = '';
  for (let index = 0; index < SID_LENGTH; index += 1) {
    sid += SID_ALPHABET[(bytes[index] ?? 0) % SID_ALPHABET.length];
  }
  return sid;
}

function signHs256(claims: Record<string, unknown>, secret: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
