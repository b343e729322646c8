import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ErrorCode } from '../errors/AppError.js';
import { ERROR_STATUS } from '../errors/AppError.js';
import { RoomDetail, RoomsPage } from '../rooms/roomSchemas.js';
import {
  ErrorResponse,
  HealthResponse,
  LeaveResponse,
  NonceResponse,
  ProbeResponse,
  SessionResponse,
  TokenResponse,
  TokenSourceResponse,
  WebhookResponse,
} from './responseSchemas.js';
import {
  CoHostTokenBody,
  PublisherTokenBody,
  RoomParams,
  RoomsQuery,
  ViewerLeaveBody,
  ViewerTokenBody,
} from './schemas.js';
import { LoginBody, LogoutBody, RefreshBody, SessionRoomBody, TokenSourceBody } from './sessionSchemas.js';

/** The security scheme of sign-in session access tokens. */
const SESSION_BEARER = 'sessionBearer';
/** A signed endpoint takes a body signature, or instead a session's Bearer access token. */
const SIGNATURE_OR_SESSION: Record<string, string[]>[] = [{}, { [SESSION_BEARER]: [] }];

/** What a Bearer access token can be refused for. */
const SESSION_ERRORS: ErrorCode[] = ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_REVOKED'];

const SIGNED_ERRORS: ErrorCode[] = [
  'VALIDATION_ERROR',
  'SIGNATURE_EXPIRED',
  'INVALID_SIGNATURE',
  'SIGNATURE_REUSED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMIT_EXCEEDED',
  'CHAIN_UNAVAILABLE',
  'SHUTTING_DOWN',
  ...SESSION_ERRORS,
  'TOKEN_ADDRESS_MISMATCH',
];

function errors(codes: readonly ErrorCode[]): RouteConfig['responses'] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      { description: list.join(', '), content: { 'application/json': { schema: ErrorResponse } } },
    ]),
  );
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A signed body, or (with `Authorization: Bearer`) the same fields without signature and timestamp. */
function signedOrSessionBody(body: z.ZodType) {
  return {
    description: 'signed fields; or, with a session access token as Bearer, only roomId (and type)',
    content: { 'application/json': { schema: z.union([body, SessionRoomBody]) } },
  };
}

function signedTokenRoute(path: string, body: z.ZodType, summary: string, extra: ErrorCode[]): RouteConfig {
  return {
    method: 'post',
    path: `/api/livestream${path}`,
    summary,
    tags: ['tokens'],
    security: SIGNATURE_OR_SESSION,
    request: { body: signedOrSessionBody(body) },
    responses: { 200: json(TokenResponse, 'a LiveKit token'), ...errors([...SIGNED_ERRORS, ...extra]) },
  };
}

/** Every HTTP route of the service (a test checks this list against the app's routes). */
export const API_ROUTES: RouteConfig[] = [
  signedTokenRoute('/publisher-token', PublisherTokenBody, 'Token for the room host (publisher)', [
    'ROOM_NOT_FOUND',
    'NOT_ROOM_HOST',
    'ROOM_NOT_AVAILABLE',
  ]),
  signedTokenRoute('/viewer-token', ViewerTokenBody, 'Token for a viewer', [
    'ROOM_NOT_FOUND',
    'ROOM_NOT_AVAILABLE',
    'ROOM_NOT_LIVE',
    'VIEWER_BANNED',
    'TICKET_REQUIRED',
  ]),
  signedTokenRoute('/co-host-token', CoHostTokenBody, 'Token for an active co-host', [
    'ROOM_NOT_FOUND',
    'ROOM_NOT_AVAILABLE',
    'ROOM_NOT_LIVE',
    'NOT_CO_HOST',
  ]),
  {
    method: 'post',
    path: '/api/livestream/viewer-leave',
    summary: 'A viewer leaves (viewer-count bookkeeping when LiveKit webhooks are not configured)',
    tags: ['tokens'],
    security: SIGNATURE_OR_SESSION,
    request: { body: signedOrSessionBody(ViewerLeaveBody) },
    responses: { 200: json(LeaveResponse, 'left'), ...errors(SIGNED_ERRORS) },
  },
  {
    method: 'post',
    path: '/api/livestream/token-source',
    summary:
      "LiveKit's standard token endpoint (livekit-client TokenSource.endpoint): the role comes from the chain " +
      '(host: publisher, active co-host: camera and microphone, else viewer with the viewer checks)',
    tags: ['tokens'],
    security: [{ [SESSION_BEARER]: [] }],
    request: { body: { content: { 'application/json': { schema: TokenSourceBody } } } },
    responses: {
      201: json(TokenSourceResponse, 'connection details'),
      ...errors([
        'VALIDATION_ERROR',
        'UNAUTHORIZED',
        ...SESSION_ERRORS,
        'IDENTITY_MISMATCH',
        'NOT_ROOM_HOST',
        'VIEWER_BANNED',
        'TICKET_REQUIRED',
        'ROOM_NOT_FOUND',
        'ROOM_NOT_AVAILABLE',
        'ROOM_NOT_LIVE',
        'RATE_LIMIT_EXCEEDED',
        'CHAIN_UNAVAILABLE',
      ]),
    },
  },
  {
    method: 'post',
    path: '/api/livestream/auth/nonce',
    summary: 'A single-use nonce for a Sign-In with Substrate message',
    tags: ['sessions'],
    responses: { 200: json(NonceResponse, 'a nonce'), ...errors(['RATE_LIMIT_EXCEEDED']) },
  },
  {
    method: 'post',
    path: '/api/livestream/auth/login',
    summary: 'Sign in with a signed SIWS message: a short-lived access token and a rotating refresh token',
    tags: ['sessions'],
    request: { body: { content: { 'application/json': { schema: LoginBody } } } },
    responses: {
      200: json(SessionResponse, 'a session'),
      ...errors([
        'VALIDATION_ERROR',
        'SIWS_EXPIRED',
        'SIWS_DOMAIN_MISMATCH',
        'NONCE_INVALID',
        'NONCE_REUSED',
        'INVALID_SIGNATURE',
        'RATE_LIMIT_EXCEEDED',
        'SESSION_STORE_UNAVAILABLE',
      ]),
    },
  },
  {
    method: 'post',
    path: '/api/livestream/auth/refresh',
    summary: 'A new access token and refresh token for a refresh token (each refresh token works once)',
    tags: ['sessions'],
    request: { body: { content: { 'application/json': { schema: RefreshBody } } } },
    responses: {
      200: json(SessionResponse, 'the session, with new tokens'),
      ...errors([
        'VALIDATION_ERROR',
        'TOKEN_INVALID',
        'REFRESH_TOKEN_REUSED',
        'SESSION_REVOKED',
        'SESSION_STORE_UNAVAILABLE',
      ]),
    },
  },
  {
    method: 'post',
    path: '/api/livestream/auth/logout',
    summary: 'End a session (by its refresh token, or by its access token as Bearer)',
    tags: ['sessions'],
    security: SIGNATURE_OR_SESSION,
    request: { body: { content: { 'application/json': { schema: LogoutBody } } } },
    responses: {
      200: json(LeaveResponse, 'ended'),
      ...errors(['VALIDATION_ERROR', 'UNAUTHORIZED', ...SESSION_ERRORS, 'SESSION_STORE_UNAVAILABLE']),
    },
  },
  {
    method: 'get',
    path: '/api/livestream/room/{roomId}',
    summary: 'One room, as of the best block applied (named in `block`, with its finality)',
    tags: ['rooms'],
    request: { params: RoomParams },
    responses: {
      200: json(RoomDetail, 'the room'),
      ...errors(['VALIDATION_ERROR', 'ROOM_NOT_FOUND', 'CHAIN_UNAVAILABLE']),
    },
  },
  {
    method: 'get',
    path: '/api/livestream/rooms',
    summary: 'Rooms, newest first, with filters and paging',
    tags: ['rooms'],
    request: { query: RoomsQuery },
    responses: {
      200: json(RoomsPage, 'a page of rooms'),
      ...errors(['VALIDATION_ERROR', 'CHAIN_UNAVAILABLE']),
    },
  },
  {
    method: 'get',
    path: '/health',
    summary: 'Service health (503 when the chain is down)',
    tags: ['operations'],
    responses: { 200: json(HealthResponse, 'ok or degraded'), 503: json(HealthResponse, 'down') },
  },
  {
    method: 'get',
    path: '/health/live',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    responses: { 200: json(ProbeResponse, 'alive') },
  },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Readiness: chain connected and rooms loaded',
    tags: ['operations'],
    responses: { 200: json(ProbeResponse, 'ready'), 503: json(ProbeResponse, 'not ready') },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (bearer METRICS_TOKEN, or loopback clients when unset)',
    tags: ['operations'],
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
      ...errors(['UNAUTHORIZED']),
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tags: ['operations'],
    responses: {
      200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.object({}) } } },
    },
  },
  {
    method: 'get',
    path: '/ws-protocol.json',
    summary: 'The WebSocket protocol (JSON Schemas of every frame)',
    tags: ['operations'],
    responses: {
      200: { description: 'protocol document', content: { 'application/json': { schema: z.object({}) } } },
    },
  },
  {
    method: 'post',
    path: '/api/livekit/webhook',
    summary: 'LiveKit webhooks (raw body, Authorization = JWT with the body hash)',
    tags: ['livekit'],
    request: {
      headers: z.object({ authorization: z.string() }),
      body: {
        content: { 'application/webhook+json': { schema: z.object({ id: z.string(), event: z.string() }) } },
      },
    },
    responses: {
      200: json(WebhookResponse, 'accepted'),
      ...errors(['UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'RATE_LIMIT_EXCEEDED']),
    },
  },
];

export function buildOpenApiDocument(version: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', SESSION_BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'the accessToken of a Sign-In with Substrate session (POST /api/livestream/auth/login)',
  });
  for (const route of API_ROUTES) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Stardust livestream backend',
      version,
      description:
        'Wallet-signed LiveKit tokens, rooms from the Stardust chain, health. Errors are {error: {code, message}}. ' +
        'Signed requests: the wallet signs `livestream:<roomId>:<timestamp>` (ms), raw or <Bytes>-wrapped; ' +
        'each signed message is accepted once. Or sign in once (Sign-In with Substrate: /auth/nonce, /auth/login) ' +
        'and send the access token as Authorization: Bearer.',
    },
  });
}
