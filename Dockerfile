# syntax=docker/dockerfile:1.7
#
# The subgraph's production image: compiled JavaScript (dist/) on node:20-bookworm-slim, production dependencies only,
# run as the image's unprivileged `node` user, with node itself as PID 1 so SIGTERM starts the drain in src/main.ts.
#
#   docker build -t shopify-profile-subgraph .                 # the production image (last stage)
#   docker build --target build -t shopify-profile-subgraph:build .   # dev tooling (compose.yaml's demo pieces)
#
# test/deploy/dockerfile.test.ts performs these steps without a Docker daemon and starts the result.

# Override to pin a digest: --build-arg NODE_IMAGE=node:20-bookworm-slim@sha256:…
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every dependency, codegen, tsc. Also the image compose.yaml runs its dev-only pieces from.
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded; openssl makes compose's demo-store
# certificate (dev/demo-store.ts).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ openssl \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The manifests first, so the dependency layer is rebuilt only when they change, not on every source edit.
COPY package.json package-lock.json ./
COPY packages/shopify-admin-schema/package.json packages/shopify-admin-schema/
COPY packages/shopify-admin-simulator/package.json packages/shopify-admin-simulator/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: what `node dist/main.js` needs, nothing else
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
ENV PORT=4001
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shopify-admin-schema/package.json packages/shopify-admin-schema/
COPY packages/shopify-admin-simulator/package.json packages/shopify-admin-simulator/
# Production dependencies only. Install scripts are skipped because this stage has no compiler: the one native
# module (better-sqlite3) is copied below, compiled in the build stage for the same Node ABI and glibc. The other
# install script among the production dependencies (@apollo/protobufjs) only prints version warnings.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/node_modules/better-sqlite3/build/Release/better_sqlite3.node node_modules/better-sqlite3/build/Release/better_sqlite3.node
COPY --from=build /app/dist dist
# The workspace packages are linked from node_modules: their compiled code and the pinned schema file they read.
COPY --from=build /app/packages/shopify-admin-schema/dist packages/shopify-admin-schema/dist
COPY --from=build /app/packages/shopify-admin-schema/admin-2026-07.graphql packages/shopify-admin-schema/admin-2026-07.graphql
COPY --from=build /app/packages/shopify-admin-simulator/dist packages/shopify-admin-simulator/dist
COPY schema.graphql ./
# The default SQLite file (./data/subgraph.sqlite) must be writable by the user the process runs as; with
# DATABASE_URL (PostgreSQL) nothing is written and the root file system can be read-only.
RUN mkdir -p data && chown node:node data
# `node` (uid 1000) ships with the official Node images.
USER node
EXPOSE 4001
# node:20-slim has no curl: node's own fetch asks /healthz on the port the process listens on.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, no npm or shell in between: SIGTERM reaches node, which drains in-flight requests and exits 0.
# The V8 flags are package.json's `start` (test/deploy/dockerfile.test.ts keeps the two equal): they size the heap
# for a ~100 MB service instead of the host's memory (README, Performance: memory).
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=1024", "dist/main.js"]
