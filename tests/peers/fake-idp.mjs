// A deliberately misbehaving identity provider for negative sign-in tests, plus an OAuth 2
// provider shaped like GitHub.
//
//   node fake-idp.mjs [PORT]      (first stdout line: the port)
//
// OIDC: each path prefix /<mode> is its own issuer (http://127.0.0.1:<port>/<mode>) with
// discovery, /authorize (redirects straight back with a code), /token, /userinfo and /jwks.
// Modes: ok, access-denied, wrong-state, no-state, wrong-iss, wrong-aud, expired, bad-signature,
// alg-none, unknown-kid, nonce-mismatch, token-500, token-garbage, token-hang, userinfo-down,
// hs256 (ID token signed with the client secret "rust-secret", HS256 advertised), hs256-wrong-secret,
// hs256-unadvertised (HS256 token, only RS256 advertised),
// form-post (answers with an HTML form to POST to the callback, like Apple), entra and
// entra-forged-tid (multi-tenant discovery with a {tenantid} issuer template).
// GitHub-like: /gh/login/oauth/authorize, /gh/login/oauth/access_token, /gh/user, /gh/user/emails.
import { createServer } from "node:http";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

const port = Number(process.argv[2] ?? 0);
const good = await generateKeyPair("RS256", { extractable: true });
const rogue = await generateKeyPair("RS256", { extractable: true });
const goodJwk = { ...(await exportJWK(good.publicKey)), kid: "k1", alg: "RS256", use: "sig" };

const b64 = (s) => Buffer.from(s).toString("base64url");
const unb64 = (s) => Buffer.from(s, "base64url").toString();

function send(res, status, body, headers = {}) {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain" : "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

async function readForm(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function idToken(mode, baseIssuer, clientId, nonce) {
  let issuer = baseIssuer;
  const now = Math.floor(Date.now() / 1000);
  const claims = { email: "alice@example.com", name: "Alice", email_verified: true };
  if (mode.startsWith("entra")) {
    // Multi-tenant Entra: iss names the user's tenant, tid says which one.
    claims.tid = mode === "entra-forged-tid" ? "OTHER-TENANT" : "TENANT-1";
    issuer = `${issuer}/TENANT-1/v2.0`;
  }
  if (mode === "nonce-mismatch") claims.nonce = "not-the-nonce";
  else if (nonce) claims.nonce = nonce;
  if (mode === "alg-none") {
    const header = b64(JSON.stringify({ alg: "none", typ: "JWT" }));
    const body = b64(JSON.stringify({ ...claims, sub: "alice", iss: issuer, aud: clientId, iat: now, exp: now + 300 }));
    return `${header}.${body}.`;
  }
  let key = mode === "unknown-kid" ? rogue.privateKey : good.privateKey;
  const kid = mode === "unknown-kid" ? "k-unknown" : "k1";
  let header = { alg: "RS256", kid };
  if (mode.startsWith("hs256")) {
    key = new TextEncoder().encode(mode === "hs256-wrong-secret" ? "not-the-secret" : "rust-secret");
    header = { alg: "HS256" };
  }
  let jwt = await new SignJWT(claims)
    .setProtectedHeader(header)
    .setSubject("alice")
    .setIssuer(mode === "wrong-iss" ? "http://127.0.0.1:1/evil" : issuer)
    .setAudience(mode === "wrong-aud" ? "someone-else" : clientId)
    .setIssuedAt(mode === "expired" ? now - 7200 : now)
    .setExpirationTime(mode === "expired" ? now - 3600 : now + 300)
    .sign(key);
  if (mode === "bad-signature") {
    const [h, p, s] = jwt.split(".");
    const flipped = s[0] === "A" ? `B${s.slice(1)}` : `A${s.slice(1)}`;
    jwt = `${h}.${p}.${flipped}`;
  }
  return jwt;
}

async function oidc(req, res, url, mode, rest) {
  const base = `http://127.0.0.1:${server.address().port}/${mode}`;
  if (rest === "/.well-known/openid-configuration") {
    return send(res, 200, {
      issuer: mode.startsWith("entra") ? `${base}/{tenantid}/v2.0` : base,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      userinfo_endpoint: mode === "userinfo-down" ? "http://127.0.0.1:1/userinfo" : `${base}/userinfo`,
      jwks_uri: `${base}/jwks`,
      id_token_signing_alg_values_supported: mode === "hs256-unadvertised" ? ["RS256"] : ["RS256", "HS256"],
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
    });
  }
  if (rest === "/jwks") return send(res, 200, { keys: [goodJwk] });
  if (rest === "/authorize") {
    const q = url.searchParams;
    const back = new URL(q.get("redirect_uri"));
    if (mode === "access-denied") {
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "The user said no");
    } else {
      back.searchParams.set("code", b64(JSON.stringify({ nonce: q.get("nonce"), client: q.get("client_id") })));
    }
    if (mode === "wrong-state") back.searchParams.set("state", "forged");
    else if (mode !== "no-state" && q.get("state")) back.searchParams.set("state", q.get("state"));
    if (mode === "form-post") {
      // response_mode=form_post: the browser POSTs the response to the callback, with Apple's
      // `user` field on first sign-in.
      const action = q.get("redirect_uri");
      const fields = [...back.searchParams.entries()];
      fields.push(["user", JSON.stringify({ name: { firstName: "Ada", lastName: "Lovelace" } })]);
      const inputs = fields
        .map(([k, v]) => `<input type="hidden" name="${k}" value='${v.replaceAll("'", "&#39;")}'>`)
        .join("");
      const html = `<form method="post" action="${action}">${inputs}</form>`;
      return send(res, 200, html, { "content-type": "text/html" });
    }
    return send(res, 302, "", { location: back.toString() });
  }
  if (rest === "/token") {
    if (mode === "token-hang") return; // never answers
    if (mode === "token-500") return send(res, 500, "<html>internal error</html>", { "content-type": "text/html" });
    if (mode === "token-garbage") return send(res, 200, "this is not json", { "content-type": "application/json" });
    const form = await readForm(req);
    let code = {};
    try {
      code = JSON.parse(unb64(form.get("code") ?? ""));
    } catch {
      return send(res, 400, { error: "invalid_grant" });
    }
    const auth = req.headers.authorization ?? "";
    const clientId = auth.startsWith("Basic ")
      ? decodeURIComponent(Buffer.from(auth.slice(6), "base64").toString().split(":")[0])
      : form.get("client_id");
    return send(res, 200, {
      access_token: `at-${mode}`,
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: `rt-${mode}`,
      id_token: await idToken(mode, base, clientId ?? code.client, code.nonce),
    });
  }
  if (rest === "/userinfo") return send(res, 200, { sub: "alice", email: "alice@example.com", name: "Alice" });
  return send(res, 404, { error: "not found" });
}

async function github(req, res, url, rest) {
  if (rest === "/login/oauth/authorize") {
    const back = new URL(url.searchParams.get("redirect_uri"));
    back.searchParams.set("code", "gh-code");
    if (url.searchParams.get("state")) back.searchParams.set("state", url.searchParams.get("state"));
    return send(res, 302, "", { location: back.toString() });
  }
  if (rest === "/login/oauth/access_token") {
    const form = await readForm(req);
    if (form.get("code") !== "gh-code" || !form.get("code_verifier")) return send(res, 400, { error: "bad_verification_code" });
    return send(res, 200, { access_token: "gho_test", token_type: "bearer", scope: "read:user,user:email" });
  }
  if (req.headers.authorization !== "Bearer gho_test") return send(res, 401, { message: "Bad credentials" });
  if (rest === "/user") {
    return send(res, 200, { id: 42, login: "octocat", name: null, email: null, avatar_url: "https://avatars.example/u/42" });
  }
  if (rest === "/user/emails") {
    return send(res, 200, [
      { email: "second@example.com", primary: false, verified: true },
      { email: "Octo@Example.com", primary: true, verified: true },
    ]);
  }
  return send(res, 404, { message: "Not Found" });
}

const server = createServer((req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const [, first, ...rest] = url.pathname.split("/");
  const tail = `/${rest.join("/")}`;
  const work = first === "gh" ? github(req, res, url, tail) : oidc(req, res, url, first, tail);
  work.catch((e) => send(res, 500, `fake-idp: ${e?.stack ?? e}`));
});

server.listen(port, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
