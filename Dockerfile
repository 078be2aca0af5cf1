# syntax=docker/dockerfile:1
# vlt-server in a container: built in one stage (with the compilers better-sqlite3 needs), run in
# another as the unprivileged `node` user, the data in a volume, /healthz as the health check.
#   docker build -t vlt .
#   docker run -p 8000:8000 -v vlt-data:/data vlt
# With PostgreSQL: compose.yaml. What is checked where Docker cannot run: docs/server.md.

FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json vite.config.ts ./
COPY scripts ./scripts
COPY src ./src
COPY drizzle ./drizzle
RUN node scripts/build.mjs && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
  VLT_SERVER_HOST=0.0.0.0 \
  VLT_SERVER_PORT=8000 \
  VLT_SERVER_DATA=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server/vlt-server.mjs", "start"]
