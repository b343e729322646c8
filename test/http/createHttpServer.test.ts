import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createHttpServer, withPrototype } from '../../src/http/createHttpServer.js';

describe('createHttpServer', () => {
  it("creates each request and response with the app's prototypes, before Express sees them", async () => {
    const app = express();
    app.use(express.json());
    app.post('/echo', (req, res) => {
      res.json({
        body: req.body as unknown,
        nodeTypes: req instanceof IncomingMessage && res instanceof ServerResponse,
        expressMethods: req.get('content-type'),
      });
    });
    const server = createHttpServer(app);
    const seen: boolean[] = [];
    server.prependListener('request', (req, res) => {
      seen.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
    });

    const res = await request(server).post('/echo').send({ roomId: 0 }).expect(200);

    expect(res.body).toEqual({ body: { roomId: 0 }, nodeTypes: true, expressMethods: 'application/json' });
    expect(seen).toEqual([true]);
  });

  it('runs the Node constructor on objects born with the given prototype', () => {
    const prototype = Object.create(IncomingMessage.prototype) as object;
    const Request = withPrototype(IncomingMessage, prototype);
    if (Request === undefined) throw new Error('IncomingMessage is callable on Node 20');

    const req = new Request(new Socket());

    expect(Object.getPrototypeOf(req)).toBe(prototype);
    expect(req).toBeInstanceOf(IncomingMessage);
    expect(req.headers).toEqual({});
  });

  it('uses the object a constructor hands back instead of its receiver', () => {
    const own = { made: 'by the base' };
    function InsistsOnNew(this: object): object {
      return own;
    }
    const Made = withPrototype(InsistsOnNew as unknown as new () => object, {});
    if (Made === undefined) throw new Error('a plain function is accepted');
    expect(new Made()).toBe(own);
  });

  it('declines a class constructor, which cannot run on an existing object (the server falls back)', () => {
    class Base {}
    expect(withPrototype(Base, Object.create(Base.prototype) as object)).toBeUndefined();
  });
});
