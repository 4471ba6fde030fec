# syntax=docker/dockerfile:1
#
# kubestellar serve, as a container (used by apiservice/base/deployment.yaml).
#
#   docker build -t kubestellar-vwds:0.1.0 .
#   docker run --rm -p 8443:8443 -v kubestellar-data:/data kubestellar-vwds:0.1.0
#
# Two stages: the build stage installs every dependency and compiles TypeScript to dist/; the
# runtime stage has production dependencies only, the compiled code and a non-root user.

############################## build ##############################
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV npm_config_loglevel=error \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

# Dependencies first, so this layer is reused until the lockfile changes. No install scripts:
# compiling needs none (see the runtime stage for the native module).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# What `tsc -p tsconfig.json` needs to compile the server: src/ imports storage/ and openapi/.
# (tsconfig also includes test/ and bench/; they are not in the build context, see .dockerignore.)
COPY tsconfig.json ./
COPY src ./src
COPY storage ./storage
COPY openapi ./openapi
RUN npm run build

############################# runtime #############################
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    npm_config_loglevel=error \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

# Production dependencies only. Install scripts are skipped: the only native module,
# classic-level (LevelDB, via `level`), ships prebuilt binaries for linux-x64 and linux-arm64
# (glibc, which bookworm has) and loads them with node-gyp-build at run time, so no compiler is
# needed. @kubernetes/client-node's .d.ts files stay: the server reads them for OpenAPI docs.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force

COPY --from=build /app/dist ./dist

# A fixed non-root uid/gid (65532, "nonroot" as in distroless) that owns only the data volume;
# Kubernetes' runAsUser/fsGroup in apiservice/base/deployment.yaml use the same numbers.
RUN groupadd --system --gid 65532 nonroot \
 && useradd --system --uid 65532 --gid 65532 --home-dir /data --no-create-home --shell /usr/sbin/nologin nonroot \
 && mkdir -p /data \
 && chown 65532:65532 /data
USER 65532:65532

# Store (/data/db), generated CA and serving certificate (/data/pki) and kubeconfigs.
VOLUME /data
EXPOSE 8443

# node runs as PID 1: the server handles SIGTERM and SIGINT itself (clean shutdown). The V8 option
# is the one every launcher uses (src/cli.ts says why).
ENTRYPOINT ["node", "--max-semi-space-size=32", "--initial-old-space-size=64", "dist/src/cli.js"]
CMD ["serve", "--data-dir", "/data", "--bind-address", "0.0.0.0", "--port", "8443", "--storage", "leveldb:///data/db"]
