// The home page: the session as next-auth sees it (server side), and as the Rust API sees it
// (asked from the browser with its cookie, through /api/rust). Sign out on either side.
import { auth, signOut } from "../auth.js";
import RustMe from "./rust-me.jsx";

export const dynamic = "force-dynamic";

export default async function Home() {
  const session = await auth();
  return (
    <main>
      <h1>Next.js and a Rust API, one session</h1>
      <p id="next-status">
        {session?.user
          ? `Next.js: signed in as ${session.user.name} (${session.user.email}), role ${session.user.role}`
          : "Next.js: not signed in"}
      </p>
      {session?.user ? (
        <form
          action={async () => {
            "use server";
            await signOut({ redirectTo: "/" });
          }}
        >
          <button id="next-signout" type="submit">
            Sign out (Next.js)
          </button>
        </form>
      ) : (
        <p>
          <a id="signin" href="/api/auth/signin?callbackUrl=%2F">
            Sign in
          </a>
        </p>
      )}
      <RustMe />
    </main>
  );
}
