# syntax=docker/dockerfile:1
# One image for every service of a province node; the service is the command's argument:
#   docker run … yrd-data-exchange <catalog|consent|exchange|audit|edge>
# (deploy/k8s/base: each Deployment passes its name in `args`). Configured only by environment
# variables (apps/node/src/service-config.ts).
#
# The services run their TypeScript through tsx: there is no compile step for them, and the one code
# that runs in tests runs here. tsx is a devDependency of the repository (a developer's tool), so the
# production install leaves it out; the image gets it on its own, at the lockfile's version, under
# /opt/tsx (tests/src/deploy.unit.test.ts keeps the two versions equal).

ARG NODE_IMAGE=node:22-bookworm-slim

# 1. The whole workspace with its dev tools, to build the console the edge serves at `/`.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run console:build

# 2. The production dependencies only (no vitest, vite, typescript, biome, browsers' drivers).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund

# 3. The TypeScript loader the services run under.
FROM ${NODE_IMAGE} AS tsx
ARG TSX_VERSION=4.23.15
RUN npm install --prefix /opt/tsx --no-audit --no-fund --no-package-lock "tsx@${TSX_VERSION}"

# 4. What runs: sources + production node_modules + the built console + tsx. Owned by root, run as
# 10001: the process can read its code and write nothing of it (in Kubernetes the root filesystem is
# read-only too; tsx's cache and temporary files go to /tmp, an emptyDir there).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app /app
COPY --from=build /app/apps/console/dist /app/apps/console/dist
COPY --from=tsx /opt/tsx /opt/tsx
USER 10001:10001
EXPOSE 8080 9090 9464
# no default service: without an argument the process prints its usage and exits 64
ENTRYPOINT ["node", "--import", "/opt/tsx/node_modules/tsx/dist/loader.mjs", "apps/node/src/service.ts"]
