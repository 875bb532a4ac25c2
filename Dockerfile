# syntax=docker/dockerfile:1
# One image for every service of a province node; the service is the command's argument:
#   docker run … yrd-data-exchange <catalog|consent|exchange|audit|edge>
# (deploy/k8s/base: each Deployment passes its name in `args`). Configured only by environment
# variables (apps/node/src/service-config.ts).
#
# The services run as one bundle, apps/node/dist/service.js (`npm run services:build`, esbuild): their
# TypeScript and the workspace's, in one file Node loads as it is, instead of ~270 modules compiled
# and loaded one by one through tsx (seconds of CPU at every start). The tests that spawn service
# processes run the same bundle, built from the same sources. Third-party packages stay in
# node_modules, and the sources stay beside the bundle (each service's migrations are read from there).

ARG NODE_IMAGE=node:22-bookworm-slim

# 1. The whole workspace with its dev tools, to build the console the edge serves at `/` and the
# services' bundle.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run console:build && npm run services:build

# 2. The production dependencies only (no vitest, vite, typescript, biome, browsers' drivers).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund

# 3. What runs: sources + production node_modules + the built console and the services' bundle. Owned
# by root, run as 10001: the process can read its code and write nothing of it (in Kubernetes the root
# filesystem is read-only too; temporary files go to /tmp, an emptyDir there).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app /app
COPY --from=build /app/apps/console/dist /app/apps/console/dist
COPY --from=build /app/apps/node/dist /app/apps/node/dist
USER 10001:10001
EXPOSE 8080 9090 9464
# no default service: without an argument the process prints its usage and exits 64
ENTRYPOINT ["node", "apps/node/dist/service.js"]
