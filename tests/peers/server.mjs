// HTTP peer: serves Auth.js's real `Auth(request, config)` on 127.0.0.1.
//
//   AUTH_SECRET=s1[,s2...] node server.mjs [PORT]
//
// PORT 0 (the default) picks a free port. The first line on stdout is the port.
// Config: basePath "/auth", trustHost, secret = AUTH_SECRET split on commas, and a
// Credentials provider whose `authorize` accepts any `username` and returns
// {id: "1", name: username, email: `${username}@example.com`}. Responses are
// buffered and sent with Content-Length; each Set-Cookie stays its own header.
//
// With PASSKEY_DATABASE_URL set, it also offers Auth.js's Passkey provider
// (experimental.enableWebAuthn, @simplewebauthn/server) with @auth/drizzle-adapter's default
// PostgreSQL tables at that URL, and JWT sessions.
//
// With TYPED_FIELDS=1 it is the TypeScript app of the typed-extension test: a `jwt` callback
// that at sign-in sets `token.role = "admin"` and `token.signed_in_with` (the provider id), and a
// `session` callback that copies `token.role` to `session.user.role`, as an app with
// `declare module "@auth/core/types"` does.
import { createServer } from "node:http";
import { Auth } from "@auth/core";
import Credentials from "@auth/core/providers/credentials";
import Passkey from "@auth/core/providers/passkey";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { secretFromEnv } from "./common.mjs";

const config = {
  secret: secretFromEnv(process.env.AUTH_SECRET),
  trustHost: true,
  basePath: "/auth",
  providers: [
    Credentials({
      credentials: { username: { label: "Username" } },
      authorize(credentials) {
        const username = credentials?.username;
        if (typeof username !== "string" || username === "") return null;
        return { id: "1", name: username, email: `${username}@example.com` };
      },
    }),
  ],
  logger: {
    error(error) {
      process.stderr.write(`[auth][error] ${error?.name ?? ""} ${error?.message ?? error}\n`);
    },
    warn() {},
    debug() {},
  },
};

const passkeyDatabase = process.env.PASSKEY_DATABASE_URL;
if (passkeyDatabase) {
  config.providers.push(Passkey);
  config.adapter = DrizzleAdapter(drizzle(new pg.Pool({ connectionString: passkeyDatabase })));
  config.experimental = { enableWebAuthn: true };
  config.session = { strategy: "jwt" };
}

if (process.env.TYPED_FIELDS === "1") {
  config.callbacks = {
    jwt({ token, user, account }) {
      if (user) {
        token.role = "admin";
        token.signed_in_with = account?.provider;
      }
      return token;
    },
    session({ session, token }) {
      if (token.role !== undefined) session.user.role = token.role;
      return session;
    },
  };
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function handle(req, res) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
  const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url}`, {
    method,
    headers,
    body,
  });
  const response = await Auth(request, config);
  const payload = Buffer.from(await response.arrayBuffer());
  const out = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) out["set-cookie"] = cookies;
  out["content-length"] = String(payload.length);
  res.writeHead(response.status, out);
  res.end(payload);
}

const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
  handle(req, res).catch((error) => {
    process.stderr.write(`server.mjs: ${error?.stack ?? error}\n`);
    res.writeHead(500, { "content-type": "text/plain" });
    res.end("peer error");
  });
});

const port = Number(process.argv[2] ?? 0);
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Exit when the parent closes our stdin (e.g. the test process died).
process.stdin.on("end", stop);
process.stdin.resume();
