# Stoa server image: builds the client and compiles the server (npm run build), then runs plain Node.
# Node 24, the current LTS (Stoa also runs on 20.19+, but Node 20 is past its end of life).
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV HOST=0.0.0.0 PORT=3000 NODE_ENV=production
EXPOSE 3000
USER node
# Exec form with node as PID 1, so `docker stop` (SIGTERM) reaches the server: it finishes in-flight
# requests, closes WebSockets with 1001 (clients reconnect to the other replica) and exits.
CMD ["node", "dist/server/main.js"]
