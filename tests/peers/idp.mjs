// A real OpenID Provider (oidc-provider) on 127.0.0.1 for sign-in tests.
//
//   REDIRECT_URIS=http://127.0.0.1:1234/auth/callback/keycloak[,...] \
//   CLIENT_ID=rust-client CLIENT_SECRET=rust-secret ACCESS_TOKEN_TTL=60 node idp.mjs [PORT]
//
// Clients: CLIENT_ID (client_secret_basic), CLIENT_ID-post (client_secret_post),
// CLIENT_ID-public (none: a public client, PKCE required), CLIENT_ID-secret-jwt
// (client_secret_jwt, HS256 with JWT_CLIENT_SECRET) and, when CLIENT_JWKS holds a JWK set of
// public keys, CLIENT_ID-key-jwt (private_key_jwt).
//
// PORT 0 (the default) picks a free port; the first line on stdout is the port. The issuer is
// http://127.0.0.1:<port>. Any login/password signs in; the account id is the login, its email
// <login>@example.com and its name "User <login>". Refresh tokens are issued on every code grant.
// Dev interactions (login and consent forms posting to /interaction/:uid) are on.
import { createServer } from "node:http";
import Provider from "oidc-provider";

const port = Number(process.argv[2] ?? 0);
const redirectUris = (process.env.REDIRECT_URIS ?? "").split(",").filter(Boolean);
const clientId = process.env.CLIENT_ID ?? "rust-client";
const clientSecret = process.env.CLIENT_SECRET ?? "rust-secret";
const accessTtl = Number(process.env.ACCESS_TOKEN_TTL ?? 3600);
const jwtSecret = process.env.JWT_CLIENT_SECRET ?? "rust-secret-for-client-secret-jwt-0123456789";
const clientJwks = process.env.CLIENT_JWKS ? JSON.parse(process.env.CLIENT_JWKS) : null;

const server = createServer();
server.listen(port, "127.0.0.1", () => {
  const actual = server.address().port;
  const issuer = `http://127.0.0.1:${actual}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
      {
        client_id: `${clientId}-post`,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
      {
        client_id: `${clientId}-public`,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      },
      {
        client_id: `${clientId}-secret-jwt`,
        client_secret: jwtSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_jwt",
      },
      ...(clientJwks
        ? [
            {
              client_id: `${clientId}-key-jwt`,
              redirect_uris: redirectUris,
              grant_types: ["authorization_code", "refresh_token"],
              response_types: ["code"],
              token_endpoint_auth_method: "private_key_jwt",
              jwks: clientJwks,
            },
          ]
        : []),
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
    },
    scopes: ["openid", "email", "profile", "offline_access"],
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: `${sub}@example.com`,
            email_verified: true,
            name: `User ${sub}`,
            preferred_username: sub,
          };
        },
      };
    },
    conformIdTokenClaims: false,
    issueRefreshToken: async () => true,
    ttl: { AccessToken: accessTtl, IdToken: 3600, Interaction: 600, Session: 600, Grant: 600 },
    cookies: { keys: ["test-cookie-key-not-secret"] },
    pkce: { required: (_ctx, client) => client.tokenEndpointAuthMethod === "none" },
    features: { devInteractions: { enabled: true } },
  });
  provider.proxy = false;
  server.on("request", provider.callback());
  process.stdout.write(`${actual}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
