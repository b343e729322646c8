// PM2 on a bare host:  npm ci && npm run build && pm2 start ecosystem.config.cjs --env production
// Several instances (instances > 1) MUST share Redis (REDIS_URL): the replay guard, rate limits,
// presence and non-chain broadcasts are per process without it. `pm2 reload livestream` restarts
// the instances one at a time; each drains on SIGINT within SHUTDOWN_TIMEOUT_MS.
module.exports = {
  apps: [
    {
      name: 'livestream',
      script: 'dist/main.js',
      exec_mode: 'cluster',
      instances: 2,
      // PM2 sends SIGINT on stop/reload; leave the service its shutdown window (+ margin).
      kill_timeout: 12_000,
      listen_timeout: 30_000,
      max_memory_restart: '1G',
      env: {
        NODE_ENV: 'development',
      },
      env_production: {
        NODE_ENV: 'production',
        PORT: 3001,
        // Required in production (see .env.example): CHAIN_WS_ENDPOINT, LIVEKIT_URL,
        // LIVEKIT_API_KEY, LIVEKIT_API_SECRET, CORS_ORIGIN, and REDIS_URL for instances > 1.
      },
    },
  ],
};
