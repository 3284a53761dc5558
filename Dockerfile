# dqstream in a container (Node 20).
#   docker build -t dqstream .
#   docker run --rm -v "$PWD/config:/config:ro" -p 9464:9464 dqstream monitor --config /config/monitor.yaml
# docker-compose.yml builds and runs it next to Kafka and a CloudWatch emulator; docs/deployment.md
# says more. The entry point is the `dqstream` CLI: the command is its arguments.

# Build stage: the TypeScript compiler and the dev dependencies stay here.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies, the compiled CLI, the example config and data.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
COPY examples ./examples
# /data: baselines and reports (a volume in docker-compose.yml), writable by the unprivileged user
RUN mkdir -p /data && chown node:node /data
USER node
# /healthz, /readyz and /metrics (http.port; set http.host to 0.0.0.0 in a container)
EXPOSE 9464
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
