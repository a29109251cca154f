// Session JWE peer backed by @auth/core/jwt and jose.
//
//   node jwt.mjs encode      stdin {secret: string|string[], salt, maxAge?, token: {...}}  -> JWE
//   node jwt.mjs decode      stdin {secret, salt, token, now?}                             -> claims JSON
//   node jwt.mjs encode-raw  stdin {secret: string, salt, claims, enc?, kid?}              -> JWE
//   node jwt.mjs encode-gcm  same as encode-raw with enc fixed to "A256GCM"
//   node jwt.mjs derive      stdin {secret: string, salt, enc?}                            -> {key, kid}
//   node jwt.mjs read-cookie stdin {cookie: "<Cookie header>", cookieName?}                -> JSON string|null
//
// `encode`/`decode` are Auth.js's own functions. `encode-raw` mints a `dir` JWE
// with jose's EncryptJWT directly: the claims are used verbatim (no iat/exp/jti
// added), the key is the HKDF-SHA256 key Auth.js derives, and a `kid` header (the
// key's RFC 7638 thumbprint, as Auth.js computes it) is only set when `kid` is true.
// `now` (unix seconds) on decode freezes the clock jose reads. `read-cookie` is
// Auth.js's `getToken({raw: true})`: the session value its SessionStore assembles
// from (possibly chunked) cookies, default name "authjs.session-token". On any failure a
// peer exits 1 with `<code>: <message>` on stderr.
import { hkdfSync } from "node:crypto";
import { decode, encode, getToken } from "@auth/core/jwt";
import { EncryptJWT, base64url, calculateJwkThumbprint } from "jose";
import { fail, freezeClock, readJsonStdin } from "./common.mjs";

const KEY_LENGTHS = { "A256CBC-HS512": 64, A256GCM: 32, "A128CBC-HS256": 32, A128GCM: 16 };

function deriveKey(secret, salt, enc) {
  const length = KEY_LENGTHS[enc];
  if (!length) throw new Error(`unsupported enc ${enc}`);
  const info = `Auth.js Generated Encryption Key (${salt})`;
  return new Uint8Array(hkdfSync("sha256", secret, salt, info, length));
}

async function thumbprint(key) {
  return calculateJwkThumbprint(
    { kty: "oct", k: base64url.encode(key) },
    `sha${key.byteLength << 3}`,
  );
}

async function encodeRaw({ secret, salt, claims = {}, enc = "A256CBC-HS512", kid = false }) {
  const key = deriveKey(secret, salt, enc);
  const header = { alg: "dir", enc };
  if (kid) header.kid = await thumbprint(key);
  return new EncryptJWT(claims).setProtectedHeader(header).encrypt(key);
}

const commands = {
  async encode(input) {
    return encode({ token: input.token, secret: input.secret, salt: input.salt, maxAge: input.maxAge });
  },
  async decode(input) {
    if (input.now !== undefined) freezeClock(input.now);
    const claims = await decode({ token: input.token, secret: input.secret, salt: input.salt });
    return JSON.stringify(claims);
  },
  "encode-raw": encodeRaw,
  async "encode-gcm"(input) {
    return encodeRaw({ ...input, enc: "A256GCM" });
  },
  async "read-cookie"({ cookie, cookieName }) {
    const req = { headers: { cookie } };
    const value = await getToken({ req, raw: true, cookieName, logger: console });
    return JSON.stringify(value ?? null);
  },
  async derive({ secret, salt, enc = "A256CBC-HS512" }) {
    const key = deriveKey(secret, salt, enc);
    return JSON.stringify({ key: Buffer.from(key).toString("hex"), kid: await thumbprint(key) });
  },
};

const command = commands[process.argv[2]];
if (!command) fail(new Error(`usage: jwt.mjs ${Object.keys(commands).join("|")} < input.json`));
try {
  const output = await command(await readJsonStdin());
  process.stdout.write(`${output}\n`);
} catch (error) {
  fail(error);
}
