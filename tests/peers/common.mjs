// Shared helpers for the peer scripts. Each peer is a small Node (>= 20) ESM
// program that runs the real @auth/core so the Rust tests can compare against it.

/** Reads all of stdin and parses it as JSON (an empty stdin gives `{}`). */
export async function readJsonStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  return text === "" ? {} : JSON.parse(text);
}

/** Prints a one-line reason on stderr and exits with status 1. */
export function fail(error) {
  const code = error?.code ?? "ERR_UNCODED";
  const message = String(error?.message ?? error).replace(/\s+/g, " ");
  process.stderr.write(`${code}: ${message}\n`);
  process.exit(1);
}

/**
 * Pins the clock seen by `new Date()` and `Date.now()` (what jose reads) to
 * `unixSeconds`, so time checks can be tested at exact boundaries.
 */
export function freezeClock(unixSeconds) {
  const RealDate = globalThis.Date;
  const fixedMs = unixSeconds * 1000;
  class FrozenDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(fixedMs);
      else super(...args);
    }
    static now() {
      return fixedMs;
    }
  }
  globalThis.Date = FrozenDate;
}

/** Splits every Set-Cookie header of a Response into `{name, value}` pairs (value as sent). */
export function setCookies(response) {
  return response.headers.getSetCookie().map((line) => {
    const pair = line.split(";", 1)[0];
    const eq = pair.indexOf("=");
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), line };
  });
}

/** `secret` from a comma-separated env value, as an array (like Auth.js's env inference). */
export function secretFromEnv(value) {
  if (!value) throw new Error("AUTH_SECRET is not set");
  return value.split(",");
}
