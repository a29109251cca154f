// CSRF peer: runs Auth.js's real `Auth()` handler on GET /auth/csrf.
//
//   node csrf.mjs mint    stdin {secret: string|string[]}               -> {token, hash}
//   node csrf.mjs verify  stdin {secret: string|string[], token, hash}  -> {accepted: bool}
//
// `mint` reads the csrf-token cookie Auth.js sets, so `hash` is Auth.js's own
// sha256(token + secret). `verify` sends the cookie `token|hash` and reports whether
// Auth.js trusted it: it keeps the token and sets no new csrf cookie.
import { Auth } from "@auth/core";
import { fail, readJsonStdin, setCookies } from "./common.mjs";

const COOKIE = "authjs.csrf-token";

async function csrf(secret, cookie) {
  const headers = new Headers();
  if (cookie !== undefined) headers.set("cookie", `${COOKIE}=${encodeURIComponent(cookie)}`);
  const request = new Request("http://localhost/auth/csrf", { headers });
  const response = await Auth(request, {
    secret,
    trustHost: true,
    basePath: "/auth",
    providers: [],
    logger: { error() {}, warn() {}, debug() {} },
  });
  if (response.status !== 200) throw new Error(`GET /auth/csrf returned ${response.status}`);
  const body = await response.json();
  const set = setCookies(response).find((c) => c.name === COOKIE);
  return { csrfToken: body.csrfToken, cookie: set ? decodeURIComponent(set.value) : undefined };
}

const commands = {
  async mint({ secret }) {
    const { csrfToken, cookie } = await csrf(secret);
    if (cookie === undefined) throw new Error("Auth.js set no csrf cookie");
    const [token, hash] = cookie.split("|");
    if (token !== csrfToken) throw new Error("csrf body token differs from the cookie token");
    return { token, hash };
  },
  async verify({ secret, token, hash }) {
    const { csrfToken, cookie } = await csrf(secret, `${token}|${hash}`);
    return { accepted: cookie === undefined && csrfToken === token };
  },
};

const command = commands[process.argv[2]];
if (!command) fail(new Error(`usage: csrf.mjs ${Object.keys(commands).join("|")} < input.json`));
try {
  process.stdout.write(`${JSON.stringify(await command(await readJsonStdin()))}\n`);
} catch (error) {
  fail(error);
}
