import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../src/http/openApiDocument.js';
import { RoomsPage } from '../../src/rooms/roomSchemas.js';
import { startTestService, type TestService } from '../support/startTestService.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  rawPath?: string;
  handle: { stack?: Layer[] };
}

/** Every `METHOD /path` the Express app answers, with `:param` written as OpenAPI `{param}`. */
function appRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, `${prefix}${layer.rawPath ?? ''}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes.sort();
}

describe('the API description', () => {
  let service: TestService;
  let document: Record<string, unknown>;

  beforeAll(async () => {
    service = await startTestService();
    document = (await request(service.server).get('/openapi.json').expect(200)).body as Record<
      string,
      unknown
    >;
  });
  afterAll(() => service.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every route the app serves, and nothing it does not', () => {
    const documented = API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(appRoutes(service.app)).toEqual(documented);
  });

  it('documents each error code a token route can answer', () => {
    const viewer = (
      document.paths as Record<string, { post: { responses: Record<string, { description: string }> } }>
    )['/api/livestream/viewer-token'];
    const descriptions = Object.values(viewer?.post.responses ?? {})
      .map((r) => r.description)
      .join(' ');
    for (const code of [
      'TICKET_REQUIRED',
      'VIEWER_BANNED',
      'ROOM_NOT_LIVE',
      'SIGNATURE_REUSED',
      'CHAIN_UNAVAILABLE',
    ]) {
      expect(descriptions).toContain(code);
    }
  });

  it('matches what the service really answers', async () => {
    const page = await request(service.server).get('/api/livestream/rooms?limit=2').expect(200);
    expect(RoomsPage.safeParse(page.body).success).toBe(true);
  });

  it('describes the WebSocket protocol from its schemas', async () => {
    const protocol = (await request(service.server).get('/ws-protocol.json').expect(200)).body as {
      clientFrames: { oneOf?: unknown[]; anyOf?: unknown[] };
      serverMessages: Record<string, unknown>;
    };
    expect((protocol.clientFrames.oneOf ?? protocol.clientFrames.anyOf)?.length).toBe(4);
    expect(Object.keys(protocol.serverMessages)).toEqual(
      expect.arrayContaining(['room:joined', 'room:reset', 'viewers:count', 'error', 'chainEvent']),
    );
  });
});
