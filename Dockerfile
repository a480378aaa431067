# One image recipe for the six services. Build one with:
#   docker build --build-arg SERVICE=conversation -t livedesk/conversation .
# (docker-compose.yml does that for each service.)

FROM node:24-alpine AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# The corepack bundled with Node may lack the npm registry's current signing keys and then
# refuses to fetch pnpm; a pinned newer corepack has them.
RUN npm install -g corepack@0.36.0 && corepack enable
WORKDIR /app

# Build everything with the dev dependencies (TypeScript), then reinstall production
# dependencies only, offline from the store the first install filled.
FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm build
RUN rm -rf node_modules libs/*/node_modules services/*/node_modules packages/*/node_modules apps/*/node_modules bench/node_modules \
    && pnpm install --frozen-lockfile --prod --offline \
    && find . -name '*.tsbuildinfo' -delete

FROM node:24-alpine AS runtime
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<gateway|identity|conversation|routing|ticketing|metrics>" && false)
ENV NODE_ENV=production SERVICE=$SERVICE
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/pnpm-workspace.yaml ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/libs ./libs
COPY --from=build --chown=node:node /app/services ./services
# The widget bundle the gateway serves at /widget/livedesk.js (built by `pnpm build`).
COPY --from=build --chown=node:node /app/apps/widget/dist/livedesk.js /app/apps/widget/dist/livedesk.js.gz ./apps/widget/dist/
USER node
# `exec` replaces the shell with node, so the SIGTERM of `docker stop` or Kubernetes reaches
# node itself and the graceful shutdown runs.
CMD ["sh", "-c", "exec node services/$SERVICE/dist/main.js"]
