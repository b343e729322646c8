import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookReceiver } from 'livekit-server-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WEBHOOK_TOKEN_TTL_SECONDS, webhookSender } from './webhookSender.js';

const API_KEY = 'APIwebhooks';
const API_SECRET = 'webhook-secret-with-at-least-32-characters';

type Received = { headers: IncomingHttpHeaders; body: string };

describe('webhookSender', () => {
  // The app's future route in miniature: raw body, SDK receiver, 401 with the reason on failure.

  const receiver = new WebhookReceiver(API_KEY, API_SECRET);
  const received: Received[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ headers: request.headers, body });
        receiver.receive(body, request.headers.authorization).then(
          (event) => {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ id: event.id, event: event.event }));
          },
          (error: unknown) => {
            response.writeHead(401, { 'content-type': 'text/plain' });
            response.end(error instanceof Error ? error.message : String(error));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/livekit/webhook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
  });

  it('sends what WebhookReceiver accepts, with LiveKit headers and a camelCase body', async () => {
    const sender = webhookSender({ url, apiKey: API_KEY, apiSecret: API_SECRET });
    const response = await sender.send({ event: 'participant_joined', room: 'room-1', participant: 'alice' });

    expect(response.status).toBe(200);
    const [delivery] = received;
    expect(delivery?.headers['content-type']).toBe('application/webhook+json');
    expect(delivery?.headers['user-agent']).toBe('LiveKit');
    expect(delivery?.headers.authorization).not.toMatch(/^Bearer /);

    const body = JSON.parse(delivery?.body ?? '{}');
    expect(body).toMatchObject({
      event: 'participant_joined',
      room: { name: 'room-1' },
      participant: { identity: 'alice', state: 'ACTIVE' },
    });
    expect(body.id).toMatch(/^EV_[A-Za-z0-9]{12}$/);
    expect(body.createdAt).toMatch(/^\d+$/);
    expect(body.participant.joinedAt).toMatch(/^\d+$/);

    const event = await receiver.receive(delivery?.body ?? '', delivery?.headers.authorization);
    expect(event.id).toBe(body.id);
    expect(event.createdAt).toBe(BigInt(body.createdAt));
    expect(event.room?.sid).toMatch(/^RM_/);
    expect(event.participant?.sid).toMatch(/^PA_/);
  });

  it('signs HS256 with iss = key, a base64 SHA-256 of the body and 5 minutes of validity', () => {
    const sender = webhookSender({
      url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      now: () => 1_700_000_000_000,
    });
    const prepared = sender.prepare({ event: 'room_started', room: 'room-1' });
    const [header, payload] = prepared.authorization.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8'))).toMatchObject({
      alg: 'HS256',
    });
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      iss: API_KEY,
      nbf: 1_700_000_000,
      exp: 1_700_000_000 + WEBHOOK_TOKEN_TTL_SECONDS,
    });
    expect(claims.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(JSON.parse(prepared.body).createdAt).toBe('1700000000');
  });

  it('keeps the same room sid across events about one room', () => {
    const sender = webhookSender({ url, apiKey: API_KEY, apiSecret: API_SECRET });
    const started = sender.prepare({ event: 'room_started', room: 'room-5' });
    const finished = sender.prepare({ event: 'room_finished', room: 'room-5' });
    expect(started.event.room?.sid).toBe(finished.event.room?.sid);
    expect(started.id).not.toBe(finished.id);
  });

  it('a tampered body fails the checksum', async () => {
    const sender = webhookSender({ url, apiKey: API_KEY, apiSecret: API_SECRET });
    const response = await sender.sendTampered({
      event: 'participant_left',
      room: 'room-1',
      participant: 'alice',
    });
    expect(response.status).toBe(401);
    expect(response.body).toBe('sha256 checksum of body does not match');
  });

  it('a delivery without the header, with a Bearer prefix or signed with another secret is refused', async () => {
    const sender = webhookSender({ url, apiKey: API_KEY, apiSecret: API_SECRET });
    const input = { event: 'room_finished', room: 'room-1' } as const;

    const unsigned = await sender.sendUnsigned(input);
    expect(unsigned).toMatchObject({ status: 401, body: 'authorization header is empty' });
    expect(received.at(-1)?.headers.authorization).toBeUndefined();

    const prepared = sender.prepare(input);
    const bearer = await sender.deliver(prepared, { authorization: `Bearer ${prepared.authorization}` });
    expect(bearer.status).toBe(401);

    const forged = sender.prepare(input, { secret: 'some-other-secret-with-32-characters!!' });
    expect((await sender.deliver(forged)).status).toBe(401);

    const expired = sender.prepare(input, { issuedAt: Math.floor(Date.now() / 1000) - 3600 });
    expect((await sender.deliver(expired)).status).toBe(401);
  });

  it('sends duplicates as identical deliveries with the same id', async () => {
    const sender = webhookSender({ url, apiKey: API_KEY, apiSecret: API_SECRET });
    const responses = await sender.sendDuplicate(
      { event: 'participant_joined', room: 'room-1', participant: 'bob' },
      3,
    );

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(new Set(received.map((delivery) => delivery.body)).size).toBe(1);
    expect(new Set(received.map((delivery) => delivery.headers.authorization)).size).toBe(1);
  });

  it('delivers prepared events in any order, for reorder tests', async () => {
    const sender = webhookSender({ url, apiKey: API_KEY, apiSecret: API_SECRET });
    const joined = sender.prepare({
      event: 'participant_joined',
      room: 'room-1',
      participant: 'carol',
      createdAt: 100,
    });
    const left = sender.prepare({
      event: 'participant_left',
      room: 'room-1',
      participant: 'carol',
      createdAt: 101,
    });
    await sender.deliver(left);
    await sender.deliver(joined);

    expect(received.map((delivery) => JSON.parse(delivery.body).event)).toEqual([
      'participant_left',
      'participant_joined',
    ]);
    expect(JSON.parse(received[0]?.body ?? '{}').participant.state).toBe('DISCONNECTED');
  });
});
