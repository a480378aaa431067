# syntax=docker/dockerfile:1
#
# One slim image per service, and one for the command line. Build one with:
#   docker build --build-arg SERVICE=conversation -t livedesk/conversation .
#   docker build --target cli -t livedesk/cli .
# (docker-compose.yml does that for each service.) What an image holds and why:
# deploy/README.md, "Images".

# node:24-alpine, pinned by the digest of its multi-platform index (amd64, arm64, s390x):
# Node 24.20.0 on Alpine 3.24, as docker-library/repo-info lists it (repos/node/remote/24-alpine.md,
# 27 Aug 2026). A digest never moves: take a newer one on purpose, e.g. from
# `docker buildx imagetools inspect node:24-alpine`, and rebuild.
ARG NODE_IMAGE=node:24-alpine@sha256:e67514e5d0f6c46656005e1b693b2ec9d52e80b641307de684d4a015ba7a4eaf

# ---------------------------------------------------------------------------------------------
# build: the whole workspace with its dev dependencies (TypeScript, esbuild), built once and
# shared by every image below.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
# pnpm from the corepack that ships with Node 24: package.json's `packageManager` names the
# version with its SHA-512, which corepack checks the download against (no registry signature
# needed, so no newer corepack either).
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0 CI=true
RUN corepack enable pnpm
WORKDIR /repo
# The store is filled from the lockfile alone, so that a change of the sources reuses this layer.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline && pnpm build

# ---------------------------------------------------------------------------------------------
# deploy: one package and its production dependencies only (`pnpm deploy --prod`): no jest,
# testcontainers, TypeScript or benchmark code. `--legacy` because the workspace links its
# packages instead of injecting them (pnpm 10 deploys injected workspaces only by default); the
# versions are the lockfile's all the same. Each package's `files` keeps its dist/ without the
# compiled tests.
# ---------------------------------------------------------------------------------------------
FROM build AS deploy
ARG SERVICE
# The service's default port goes to /default-port (for the healthcheck). The gateway also gets
# the widget bundle and the desk page it serves (/widget/livedesk.js, /desk/), found relative to
# its dist/ as in the repository.
RUN case "$SERVICE" in \
      gateway) echo 8080 ;; conversation) echo 8081 ;; routing) echo 8082 ;; \
      ticketing) echo 8083 ;; metrics) echo 8084 ;; identity) echo 8085 ;; \
      *) echo "build with --build-arg SERVICE=<gateway|identity|conversation|routing|ticketing|metrics>" >&2; exit 1 ;; \
    esac > /default-port \
 && pnpm --filter "@livedesk/$SERVICE" deploy --prod --legacy --prefer-offline "/out/services/$SERVICE" \
 && rm -rf "/out/services/$SERVICE/node_modules/.bin" \
 && mkdir -p /out/apps/widget/dist /out/apps/desk/dist \
 && if [ "$SERVICE" = gateway ]; then \
      cp apps/widget/dist/livedesk.js apps/widget/dist/livedesk.js.gz /out/apps/widget/dist/ \
      && cp apps/desk/dist/index.html apps/desk/dist/desk.js /out/apps/desk/dist/; \
    fi

FROM build AS deploy-cli
RUN pnpm --filter @livedesk/cli deploy --prod --legacy --prefer-offline /out/tools/cli \
 && rm -rf /out/tools/cli/node_modules/.bin

# ---------------------------------------------------------------------------------------------
# runtime: Node and the deployed package, nothing else. npm, corepack and yarn of the base image
# are removed (a service never installs anything); the files belong to root and are read-only
# to the `node` user (uid 1000) the process runs as.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime-base
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* /usr/local/include/node /root/.npm /tmp/*
ENV NODE_ENV=production

# The command line: `docker run --rm -e LIVEDESK_URL -e LIVEDESK_ADMIN_TOKEN livedesk/cli org list`.
FROM runtime-base AS cli
COPY --from=deploy-cli /out/tools/cli /app/tools/cli
USER node
ENTRYPOINT ["node", "/app/tools/cli/dist/main.js"]
CMD ["--help"]

# A service (the default target). The last stage, so that `docker build --build-arg SERVICE=…`
# builds it.
FROM runtime-base AS service
ARG SERVICE
ENV SERVICE=$SERVICE
# Ticketing's attachments (ATTACHMENT_STORAGE=local): a directory the `node` user owns. A named
# volume mounted there starts with that owner, so the service can write to it.
ENV ATTACHMENT_DIR=/data/attachments
RUN mkdir -p /data/attachments && chown node:node /data/attachments
COPY --from=deploy /default-port /app/default-port
COPY --from=deploy /out/apps /app/apps
COPY --from=deploy /out/services /app/services
WORKDIR /app/services/$SERVICE
USER node
# Ready means Postgres, NATS and Redis answer too; the port is PORT when set, else the
# service's default. busybox wget is part of Alpine.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD wget -q -T 2 -O /dev/null "http://127.0.0.1:${PORT:-$(cat /app/default-port)}/health/ready" || exit 1
EXPOSE 8080-8085
# node is PID 1 and receives the SIGTERM of `docker stop` or Kubernetes itself, so the graceful
# shutdown runs (no shell in between).
CMD ["node", "dist/main.js"]
