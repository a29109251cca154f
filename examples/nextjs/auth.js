// next-auth v5 for the example: credentials (demo / demo) and, when AUTH_OIDC_ISSUER is set, the
// local OpenID Provider that run.sh starts. The `jwt` callback adds a `role` to the token and the
// `session` callback exposes it; the Rust API reads the same cookie and the same `role`.
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";

const providers = [
  Credentials({
    credentials: {
      username: { label: "Username" },
      password: { label: "Password", type: "password" },
    },
    authorize(credentials) {
      if (credentials?.username === "demo" && credentials?.password === "demo") {
        return { id: "demo", name: "Demo User", email: "demo@example.com" };
      }
      return null;
    },
  }),
];

if (process.env.AUTH_OIDC_ISSUER) {
  providers.push({
    id: "local-oidc",
    name: "Local OIDC",
    type: "oidc",
    issuer: process.env.AUTH_OIDC_ISSUER,
    clientId: process.env.AUTH_OIDC_ID,
    clientSecret: process.env.AUTH_OIDC_SECRET,
  });
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  providers,
  trustHost: true,
  callbacks: {
    jwt({ token, user }) {
      if (user) token.role = user.email === "demo@example.com" ? "admin" : "member";
      return token;
    },
    session({ session, token }) {
      if (session.user) session.user.role = token.role;
      return session;
    },
  },
});
