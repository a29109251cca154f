// examples/nextjs end to end in Chromium: a Next.js app signed in with next-auth and the Rust API
// reading the same session cookie. Credentials through next-auth's own sign-in page, then the
// local OpenID Provider; sign-out on the Rust side ends the session for Next.js, and sign-out on
// the Next.js side ends it for the Rust API.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT, freePort, launchBrowser } from "./harness.mjs";

// A cold start installs the packages and builds both apps.
const TIMEOUT = { timeout: 900_000 };

/** Starts run.sh on free ports; resolves to `{ origin, stop, output }` once it says ready. */
async function startExample() {
  const [next, api, idp] = [await freePort(), await freePort(), await freePort()];
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("AUTH_") && !k.startsWith("NEXTAUTH_")),
  );
  const child = spawn("bash", [join(ROOT, "examples", "nextjs", "run.sh")], {
    cwd: ROOT,
    env: { ...clean, NEXT_PORT: String(next), API_PORT: String(api), IDP_PORT: String(idp) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once("exit", () => done());
      process.kill(-child.pid, "SIGTERM");
    });
  await new Promise((ready, reject) => {
    const timer = setTimeout(() => reject(new Error(`run.sh did not get ready:\n${output}`)), 840_000);
    child.stdout.on("data", () => {
      if (output.includes("ready: ")) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`run.sh exited with ${code}:\n${output}`));
    });
  });
  return { origin: `http://localhost:${next}`, stop, output: () => output };
}

async function statuses(page) {
  await page.locator("#rust-status").filter({ hasNotText: "asking" }).waitFor();
  return {
    next: await page.locator("#next-status").innerText(),
    rust: await page.locator("#rust-status").innerText(),
  };
}

test("next-auth signs in, the Rust API reads the session, sign-out on either side ends it", TIMEOUT, async () => {
  const example = await startExample();
  const browser = await launchBrowser();
  const { page } = browser;
  try {
    const { origin } = example;
    await page.goto(`${origin}/`);
    assert.deepEqual(await statuses(page), {
      next: "Next.js: not signed in",
      rust: "Rust API: 401, no session",
    });

    // Credentials through next-auth's own sign-in page.
    await page.locator("#signin").click();
    await page.waitForURL(/\/api\/auth\/signin/);
    await page.getByLabel("Username").fill("demo");
    await page.getByLabel("Password").fill("demo");
    await page.getByRole("button", { name: "Sign in with Credentials" }).click();
    await page.waitForURL(`${origin}/`);
    assert.deepEqual(await statuses(page), {
      next: "Next.js: signed in as Demo User (demo@example.com), role admin",
      rust: "Rust API: signed in as Demo User (demo@example.com), role admin",
    });

    // Signed out by the Rust API: Next.js sees no session either.
    await page.locator("#rust-signout").click();
    await page.waitForURL(`${origin}/`);
    assert.deepEqual(await statuses(page), {
      next: "Next.js: not signed in",
      rust: "Rust API: 401, no session",
    });

    // The local OpenID Provider, through next-auth.
    await page.locator("#signin").click();
    await page.getByRole("button", { name: "Sign in with Local OIDC" }).click();
    await page.waitForURL(/\/interaction\//);
    await page.locator('input[name="login"]').fill("grace");
    await page.locator('input[name="password"]').fill("any password");
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/interaction\//);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${origin}/`);
    assert.deepEqual(await statuses(page), {
      next: "Next.js: signed in as User grace (grace@example.com), role member",
      rust: "Rust API: signed in as User grace (grace@example.com), role member",
    });

    // Signed out by next-auth: the Rust API answers 401.
    await page.locator("#next-signout").click();
    await page.locator("#signin").waitFor();
    await page.goto(`${origin}/`);
    assert.deepEqual(await statuses(page), {
      next: "Next.js: not signed in",
      rust: "Rust API: 401, no session",
    });
  } catch (err) {
    err.message += `\n--- run.sh output ---\n${example.output()}`;
    throw err;
  } finally {
    await browser.close();
    await example.stop();
  }
});
