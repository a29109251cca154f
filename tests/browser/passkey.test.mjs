// Passkeys in a real browser: Chromium's virtual authenticator (Chrome DevTools Protocol
// `WebAuthn.addVirtualAuthenticator`) registers a passkey through the demo's sign-in page, the
// user signs out, and signs back in with the passkey alone, through the autofill offer and through
// the button (the discoverable flow, no address typed). Screenshots of the sign-in page with the email form and the passkey button.
//
// Browsers refuse WebAuthn for an IP address, so the demo is opened as http://localhost:<port>
// (a secure context) with AUTH_URL saying so.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { demoBinary, freePort, screenshot, withDemo } from "./harness.mjs";

const TIMEOUT = { timeout: 120_000 };
const dir = mkdtempSync(join(tmpdir(), "authjs-rs-passkey-"));

before(() => demoBinary(), { timeout: 1_800_000 });
after(() => rmSync(dir, { recursive: true, force: true }));

async function localDemo(name, body, browserOptions = {}) {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const env = {
    PORT: String(port),
    AUTH_URL: origin,
    DATABASE_URL: `sqlite://${join(dir, `${name}.db`)}`,
  };
  await withDemo(env, browserOptions, (ctx) => body({ ...ctx, origin }));
}

async function virtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
  };
}

async function session(page, origin) {
  return page.evaluate(async (url) => (await fetch(url)).json(), `${origin}/auth/session`);
}

test("a passkey registers from the sign-in page, and signs back in after sign-out", TIMEOUT, async () => {
  await localDemo("flow", async ({ origin, page, context }) => {
    const authenticator = await virtualAuthenticator(context, page);
    const email = "passkey-user@example.com";

    // A new address registers a passkey and is signed in.
    await page.goto(`${origin}/auth/signin?callbackUrl=${encodeURIComponent(`${origin}/`)}`);
    const form = page.locator("form[data-webauthn]");
    await form.getByLabel("Email").fill(email);
    await form.getByRole("button", { name: "Sign in with Passkey" }).click();
    await page.waitForURL(`${origin}/`);
    assert.match(await page.locator("#status").innerText(), /signed in as .*passkey-user@example\.com/);
    const [credential] = await authenticator.credentials();
    assert.equal(credential.isResidentCredential, true, "a discoverable passkey was asked for");
    assert.equal(credential.rpId, "localhost");

    const signOut = async () => {
      await page.goto(`${origin}/auth/signout?callbackUrl=%2F`);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(`${origin}/`);
      assert.equal(await page.locator("#status").innerText(), "You are not signed in.");
      assert.equal(await session(page, origin), null);
    };
    const signInPage = `${origin}/auth/signin?callbackUrl=${encodeURIComponent(`${origin}/`)}`;

    // Back in through the autofill offer (conditional mediation): the page asks on load, and the
    // virtual authenticator answers at once, as a user picking the passkey would.
    await signOut();
    await page.goto(signInPage);
    await page.waitForURL(`${origin}/`);
    assert.match(await page.locator("#status").innerText(), /signed in as .*passkey-user@example\.com/);

    // Back in with the button alone (autofill off, no address typed): the discoverable flow.
    await signOut();
    await page.addInitScript(() => {
      PublicKeyCredential.isConditionalMediationAvailable = undefined;
    });
    await page.goto(signInPage);
    await page.locator("form[data-webauthn]").getByRole("button", { name: "Sign in with Passkey" }).click();
    await page.waitForURL(`${origin}/`);
    assert.match(await page.locator("#status").innerText(), /signed in as .*passkey-user@example\.com/);
    assert.equal((await session(page, origin)).user.email, email);
    const [used] = await authenticator.credentials();
    assert.ok(used.signCount >= 2, `the counter moved: ${used.signCount}`);
  });
});

test("a passkey of an address that has a user is refused without signing in first", TIMEOUT, async () => {
  await localDemo("taken", async ({ origin, page, context }) => {
    await virtualAuthenticator(context, page);
    // The demo's own user exists and has no passkey: the options say authenticate, and with no
    // passkey for it the browser's ceremony fails on the page, which says so.
    await page.goto(`${origin}/auth/signin`);
    const form = page.locator("form[data-webauthn]");
    await form.getByLabel("Email").fill("demo@example.com");
    await form.getByRole("button", { name: "Sign in with Passkey" }).click();
    const status = form.locator("[data-webauthn-status]");
    await status.filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
    assert.equal(await session(page, origin), null);
  });
});

for (const colorScheme of ["light", "dark"]) {
  test(`screenshots of the sign-in page with the email form and the passkey button (${colorScheme})`, TIMEOUT, async () => {
    await localDemo(`shots-${colorScheme}`, async ({ origin, page }) => {
      await page.goto(`${origin}/auth/signin`);
      const form = page.locator("form[data-webauthn]");
      assert.equal(await form.getByRole("button", { name: "Sign in with Passkey" }).count(), 1);
      assert.equal(await page.getByRole("button", { name: "Sign in with Email" }).count(), 1);
      assert.equal(await form.getByLabel("Email").getAttribute("autocomplete"), "username webauthn");
      await screenshot(page, `signin-passwordless-${colorScheme}`, { fullPage: true });
    }, { colorScheme });
  });
}
