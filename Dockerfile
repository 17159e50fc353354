# mcp-bridge as a small sidecar image, built the way test/integration/package.test.ts checks the npm package:
# packed with npm pack, then installed from the tarball with production dependencies only, as npx and npm install -g do.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md LICENSE ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && mkdir /pack && npm pack --ignore-scripts --pack-destination /pack

FROM node:20-bookworm-slim
ENV NODE_ENV=production
COPY --from=build /pack /pack
RUN npm install --global --omit=dev --no-audit --no-fund /pack/mcp-bridge-*.tgz && rm -rf /pack && npm cache clean --force
WORKDIR /app
USER node
EXPOSE 8000
# Inside a container the gateway must bind every interface; set --apiKey or a network policy before exposing it.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["mcp-bridge", "--host", "0.0.0.0", "--port", "8000"]
CMD ["--stdio", "node /usr/local/lib/node_modules/mcp-bridge/dist/example/server.js"]
