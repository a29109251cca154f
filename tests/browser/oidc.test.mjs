// Sign in to the demo through a real OpenID Provider (oidc-provider from npm, on loopback) acting
// as the demo's keycloak provider: the provider button, the provider's login and consent pages,
// the callback, the session on the home page, sign-out.
//
// Run: node --test tests/browser/   (needs Chromium, see harness.mjs)

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { before, test } from "node:test";
import { ROOT, demoBinary, freePort, withDemo } from "./harness.mjs";

const TIMEOUT = { timeout: 120_000 };

/** Starts tests/peers/idp.mjs for one redirect URI; resolves to `{ issuer, stop }`. */
function startIdp(redirectUri) {
  const child = spawn(process.execPath, [join(ROOT, "tests", "peers", "idp.mjs"), "0"], {
    cwd: join(ROOT, "tests"),
    env: { ...process.env, REDIRECT_URIS: redirectUri, CLIENT_ID: "demo-client", CLIENT_SECRET: "demo-secret" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (d) => (errors += d));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`idp.mjs did not start:\n${errors}`)), 20_000);
    child.stdout.once("data", (d) => {
      clearTimeout(timer);
      resolveStart({
        issuer: `http://127.0.0.1:${String(d).trim()}`,
        stop: () => {
          child.stdin.end();
          child.kill("SIGTERM");
        },
      });
    });
    child.once("exit", (code) => reject(new Error(`idp.mjs exited with ${code}:\n${errors}`)));
  });
}

before(() => demoBinary(), { timeout: 1_800_000 });

test("sign in through a real OpenID Provider as the keycloak provider", TIMEOUT, async () => {
  const port = await freePort();
  const idp = await startIdp(`http://127.0.0.1:${port}/auth/callback/keycloak`);
  try {
    const env = {
      PORT: String(port),
      AUTH_KEYCLOAK_ID: "demo-client",
      AUTH_KEYCLOAK_SECRET: "demo-secret",
      AUTH_KEYCLOAK_ISSUER: idp.issuer,
    };
    await withDemo(env, {}, async ({ origin, page }) => {
      await page.goto(`${origin}/auth/signin`);
      await page.getByRole("button", { name: "Sign in with Keycloak" }).click();

      // The provider's own login and consent pages.
      await page.waitForURL(new RegExp(`^${idp.issuer}/interaction/`));
      await page.locator('input[name="login"]').fill("ada");
      await page.locator('input[name="password"]').fill("any password");
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(new RegExp(`^${idp.issuer}/interaction/`));
      await page.getByRole("button", { name: "Continue" }).click();

      await page.waitForURL(`${origin}/`);
      assert.match(await page.locator("#status").innerText(), /signed in as User ada/);
      const session = JSON.parse(await page.locator("#session").innerText());
      assert.equal(session.user.email, "ada@example.com");

      await page.locator("header").getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(`${origin}/`);
      assert.equal(await page.locator("#status").innerText(), "You are not signed in.");
    });
  } finally {
    idp.stop();
  }
});
