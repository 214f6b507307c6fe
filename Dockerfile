# syntax=docker/dockerfile:1
# Build stage: compiles the mediasoup worker (linked to Debian's OpenSSL 3), better-sqlite3 and the
# TypeScript sources, then drops dev dependencies.
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build-worker.mjs scripts/worker-fixes.mjs scripts/fix-netstring.mjs scripts/build-sqlite-addon.mjs scripts/
COPY scripts/worker-fixes scripts/worker-fixes
RUN npm ci --foreground-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY server server
COPY media media
COPY signaling signaling
COPY scripts scripts
COPY admin-ui admin-ui
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Run stage: only the runtime libraries, as the unprivileged `node` user.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    SQLITE_PATH=/app/data/stagecast.db \
    RTC_MIN_PORT=40000 \
    RTC_MAX_PORT=40999
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000/tcp 40000-40999/udp 40000-40999/tcp
# JWT_SECRET and METRICS_TOKEN must be provided at run time (production refuses to start without them).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server/main.js"]
