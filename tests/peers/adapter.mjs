// Database adapter peer: the real @auth/pg-adapter or @auth/drizzle-adapter (default PostgreSQL
// tables) on a PostgreSQL database, driven by JSON on stdin.
//
//   node adapter.mjs pg|drizzle write  stdin {url, user, account, session, token, authenticator?}
//       -> {user}  (the created user; the other records are written for it)
//   node adapter.mjs pg|drizzle read   stdin {url, userId, email, provider, providerAccountId,
//                                             sessionToken, identifier, token, credentialID?}
//       -> {user, byEmail, byAccount, account, session, used, authenticator?}
//
// Dates travel as ISO strings. On any failure the peer exits 1 with `<code>: <message>`.
import pg from "pg";
import PostgresAdapter from "@auth/pg-adapter";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { drizzle } from "drizzle-orm/node-postgres";
import { fail, readJsonStdin } from "./common.mjs";

const [kind, command] = process.argv.slice(2);

function adapterFor(pool) {
  if (kind === "pg") return PostgresAdapter(pool);
  if (kind === "drizzle") return DrizzleAdapter(drizzle(pool));
  throw new Error(`unknown adapter ${kind}`);
}

const dated = (value) => (value ? new Date(value) : value);

async function write(adapter, input) {
  const user = await adapter.createUser({
    id: "ignored",
    ...input.user,
    emailVerified: dated(input.user.emailVerified),
  });
  await adapter.linkAccount({ ...input.account, userId: user.id });
  await adapter.createSession({
    sessionToken: input.session.sessionToken,
    userId: user.id,
    expires: new Date(input.session.expires),
  });
  await adapter.createVerificationToken({
    ...input.token,
    expires: new Date(input.token.expires),
  });
  if (input.authenticator) {
    await adapter.createAuthenticator({ ...input.authenticator, userId: user.id });
  }
  return { user };
}

async function read(adapter, input) {
  const out = {
    user: await adapter.getUser(input.userId),
    byEmail: await adapter.getUserByEmail(input.email),
    byAccount: await adapter.getUserByAccount({
      provider: input.provider,
      providerAccountId: input.providerAccountId,
    }),
    account: adapter.getAccount
      ? await adapter.getAccount(input.providerAccountId, input.provider)
      : null,
    session: await adapter.getSessionAndUser(input.sessionToken),
    used: await adapter.useVerificationToken({
      identifier: input.identifier,
      token: input.token,
    }),
  };
  if (input.credentialID) {
    out.authenticator = await adapter.getAuthenticator(input.credentialID);
  }
  return out;
}

try {
  const input = await readJsonStdin();
  const pool = new pg.Pool({ connectionString: input.url, max: 2 });
  try {
    const adapter = adapterFor(pool);
    let result;
    if (command === "write") result = await write(adapter, input);
    else if (command === "read") result = await read(adapter, input);
    else throw new Error(`unknown command ${command}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pool.end();
  }
} catch (error) {
  fail(error);
}
