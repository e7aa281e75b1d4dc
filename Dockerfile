# gke-doctor in a container: the packed npm package with production dependencies only, run as a
# non-root user. Build:  docker build -t gke-doctor .   Run:  docker run --rm gke-doctor check --help
# (deploy/ runs it as a CronJob; docs/scheduled.md.)

# Stage 1: build and pack, exactly as `npm publish` would.
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md ./
COPY bin ./bin
COPY scripts ./scripts
COPY schema ./schema
COPY docs/checks ./docs/checks
COPY src ./src
COPY checks ./checks
COPY fixtures ./fixtures
RUN npm run build && mkdir /pack && npm pack --ignore-scripts --pack-destination /pack

# Stage 2: the package installed from its tarball, without devDependencies, build tools or sources.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
COPY --from=build /pack /pack
RUN npm install --global --omit=dev --no-audit --no-fund /pack/gke-doctor-*.tgz \
 && rm -rf /pack /root/.npm
# The node image's unprivileged user (uid 1000); the CronJob runs it with a read-only root filesystem.
USER node
WORKDIR /home/node
ENTRYPOINT ["gke-doctor"]
CMD ["--help"]
