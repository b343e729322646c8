import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Reads a value from a component at scrape time (counters and gauges the component keeps itself). */
export type Sample = () => number;

/**
 * The service's Prometheus metrics, in a registry of its own (no global state). Request-path
 * metrics are recorded where they happen; component state is read at scrape time.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly tokens: Counter<'role' | 'outcome'>;
  readonly signatureSeconds: Histogram<'valid'>;
  readonly webhooks: Counter<'event' | 'outcome'>;
  readonly livekitCorrections: Counter<'kind' | 'source'>;
  readonly httpRefusals: Counter<'reason'>;
  readonly possibleReplays: Counter<'namespace'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'livestream_' });
    this.httpDuration = new Histogram({
      name: 'livestream_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.tokens = new Counter({
      name: 'livestream_tokens_total',
      help: 'LiveKit tokens by role and outcome (issued, or the error code of the refusal)',
      labelNames: ['role', 'outcome'],
      registers: [this.registry],
    });
    this.signatureSeconds = new Histogram({
      name: 'livestream_signature_verification_seconds',
      help: 'Wallet signature verification time (queueing on the worker pool included)',
      labelNames: ['valid'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers: [this.registry],
    });
    this.webhooks = new Counter({
      name: 'livestream_livekit_webhooks_total',
      help: 'LiveKit webhooks received by event type and outcome',
      labelNames: ['event', 'outcome'],
      registers: [this.registry],
    });
    this.possibleReplays = new Counter({
      name: 'livestream_replay_guard_possible_replays_total',
      help: 'Single-use keys (signed messages, sign-in nonces, webhooks) used on this instance while Redis was unreachable that another instance had used too, found when writing them to Redis afterwards',
      labelNames: ['namespace'],
      registers: [this.registry],
    });
    this.livekitCorrections = new Counter({
      name: 'livestream_livekit_corrections_total',
      help: 'Differences between LiveKit and the chain that were corrected, by action and by who found them (reconcile, webhook)',
      labelNames: ['kind', 'source'],
      registers: [this.registry],
    });
    this.httpRefusals = new Counter({
      name: 'livestream_http_refused_total',
      help: 'Connections refused (connections, connections_per_ip, cooldown) or closed (pipelined, stalled) and requests refused with 429 (in_flight_per_ip) by the HTTP connection guard',
      labelNames: ['reason'],
      registers: [this.registry],
    });
  }

  /** A gauge read from a component at scrape time. */
  gauge(name: string, help: string, sample: Sample): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(sample());
      },
    });
  }

  /** A counter kept by a component (monotonic), read at scrape time. */
  counter(name: string, help: string, sample: Sample): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(sample());
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
