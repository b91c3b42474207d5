# The FlameScope sidecar (`flamescope serve`) as a small image:
#   docker build -t flamescope-sidecar .
#   docker run -p 8686:8686 -e FLAMESCOPE_TOKEN=secret flamescope-sidecar                  # the bundled example profiles
#   docker run -p 8686:8686 -e FLAMESCOPE_TOKEN=secret -e FLAMESCOPE_STORAGE=s3://bucket/prefix/ \
#     -e AWS_REGION=eu-west-1 -e AWS_ACCESS_KEY_ID=… -e AWS_SECRET_ACCESS_KEY=… flamescope-sidecar
# Every option is a FLAMESCOPE_* variable (`docker run --rm flamescope-sidecar serve --help`); S3 credentials come
# from the AWS chain. Off loopback the sidecar refuses to start without FLAMESCOPE_TOKEN.

# --- build: the CLI and the parse worker, bundled by esbuild with their dependencies (fastify, the AWS SDK, pino…),
# so the runtime image needs no node_modules at all. Node 24, the LTS line supported the longest (Node 20 is past
# its end of life); both stages on the same release.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build:cli -- --packages=bundle --log-level=warning

# --- runtime
FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production \
    FLAMESCOPE_HOST=0.0.0.0 \
    FLAMESCOPE_PORT=8686
WORKDIR /app
COPY --from=build /src/bin/flamescope.js ./bin/flamescope.js
COPY --from=build /src/lib/main.cjs /src/lib/parse-worker.cjs ./lib/
# The example profiles: the default storage when FLAMESCOPE_STORAGE is not set.
COPY --from=build /src/profiles ./profiles
# Fails the build if the bundle still needs a package that is not in it.
RUN node bin/flamescope.js serve --help > /dev/null
USER node
EXPOSE 8686
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FLAMESCOPE_PORT || 8686) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/flamescope.js"]
CMD ["serve"]
