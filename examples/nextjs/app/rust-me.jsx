"use client";
// Asks the Rust API who is signed in: the browser sends its session cookie, and the API reads it.
import { useEffect, useState } from "react";

export default function RustMe() {
  const [status, setStatus] = useState("Rust API: asking…");
  useEffect(() => {
    fetch("/api/rust/me", { cache: "no-store" })
      .then(async (res) => {
        if (res.status === 401) return setStatus("Rust API: 401, no session");
        const me = await res.json();
        setStatus(`Rust API: signed in as ${me.name} (${me.email}), role ${me.role}`);
      })
      .catch((e) => setStatus(`Rust API: unreachable (${e.message})`));
  }, []);
  return (
    <section>
      <p id="rust-status">{status}</p>
      <form method="post" action="/api/rust/signout">
        <button id="rust-signout" type="submit">
          Sign out (Rust API)
        </button>
      </form>
    </section>
  );
}
