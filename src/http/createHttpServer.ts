import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { HttpConnectionGuard } from './HttpConnectionGuard.js';

/**
 * The HTTP server for an Express app, whose requests and responses are created with the app's
 * prototypes (`app.request`, `app.response`) from the start.
 *
 * Express otherwise re-parents every request and response with `Object.setPrototypeOf` as it enters
 * the app, and on V8 (Node 20) objects re-parented that way are kept by the young-generation GC:
 * ~99 % of what survives one scavenge is promoted, a scavenge takes ~5 ms instead of ~0.3 ms, and the
 * old generation fills at ~40 MB/s under load until a major GC stalls the event loop for tens of
 * milliseconds. With the prototype already in place, Express's call changes nothing. Measured on
 * bare Express + express.json, 50 connections, one core: ~3.7× the requests per second, and nothing
 * promoted at all (bench/http/run.ts measures the service).
 *
 * Should Node ever make these classes (which cannot be called without `new`), this falls back to a
 * plain server: correct, only without the gain.
 *
 * With a `guard`, its connection caps are installed and every request passes its checks first.
 */
export function createHttpServer(app: Express, guard?: HttpConnectionGuard): Server {
  const Request = withPrototype(IncomingMessage, app.request);
  const Response = withPrototype(ServerResponse, app.response);
  const listener = guard ? guard.handle(app) : app;
  const server =
    Request && Response
      ? createServer({ IncomingMessage: Request, ServerResponse: Response }, listener)
      : createServer(listener);
  guard?.attach(server);
  return server;
}

type CallableConstructor = (this: object, ...args: unknown[]) => object | undefined;

/**
 * A constructor running `Base` on objects born with `prototype` (which must inherit from Base's),
 * or `undefined` when `Base` is a class. Not `Reflect.construct(Base, args, Derived)`: objects made
 * that way are promoted by the scavenger just like re-parented ones (measured: no gain at all).
 * A base that hands back an object of its own (as one that insists on `new` would) still works:
 * that object is used, and Express re-parents it as it would anyway.
 */
export function withPrototype<C>(Base: C, prototype: object): C | undefined {
  if (typeof Base !== 'function' || Function.prototype.toString.call(Base).startsWith('class'))
    return undefined;
  const construct = Base as unknown as CallableConstructor;
  function Derived(this: object, ...args: unknown[]): object {
    return construct.apply(this, args) ?? this;
  }
  Derived.prototype = prototype;
  return Derived as unknown as C;
}
