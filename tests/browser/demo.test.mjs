// The demo in a real browser: credentials sign-in, the session on the home page, the protected
// page, sign-out (built-in page and server-side action), the CredentialsSignin banner, and
// screenshots of every built-in page in light and dark.
//
// Run: node --test tests/browser/   (files named *.test.mjs; needs Chromium, see harness.mjs)
// Each scenario starts its own demo and browser with `withDemo(env, browserOptions, body)`, so a
// new one (e.g. OIDC through a real identity provider as the keycloak provider) is one more
// `test(...)` here or in another `*.test.mjs` file, with env such as
// { AUTH_KEYCLOAK_ID, AUTH_KEYCLOAK_SECRET, AUTH_KEYCLOAK_ISSUER }.

import assert from "node:assert/strict";
import { before, test } from "node:test";
import { chromiumPath, demoBinary, screenshot, withDemo } from "./harness.mjs";

const TIMEOUT = { timeout: 120_000 };

async function signInWithCredentials(page, username, password) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in with Credentials" }).click();
}

// Build the demo first, outside the scenarios' timeouts (a cold build takes minutes).
before(() => demoBinary(), { timeout: 1_800_000 });

test("chromium is installed", () => {
  // Fails (does not skip) on a machine without Chromium.
  chromiumPath();
});

test("credentials sign-in, session, protected page and sign-out", TIMEOUT, async () => {
  await withDemo({}, {}, async ({ origin, page }) => {
    await page.goto(`${origin}/`);
    assert.equal(await page.locator("#status").innerText(), "You are not signed in.");

    // The protected page sends a signed-out visitor to sign in, then back.
    await page.goto(`${origin}/protected`);
    assert.match(page.url(), /\/auth\/signin\?callbackUrl=/);
    await signInWithCredentials(page, "demo", "demo");
    await page.waitForURL(`${origin}/protected`);
    assert.match(await page.locator("#protected").innerText(), /Only signed-in users see this page, Demo User/);

    // The home page shows the session.
    await page.goto(`${origin}/`);
    assert.match(await page.locator("#status").innerText(), /signed in as Demo User/);
    const session = JSON.parse(await page.locator("#session").innerText());
    assert.equal(session.user.email, "demo@example.com");
    assert.match(session.expires, /Z$/);

    // Sign out through the built-in confirmation page (without callbackUrl it would return to
    // the last callback URL, /protected, as Auth.js does).
    await page.goto(`${origin}/auth/signout?callbackUrl=%2F`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${origin}/`);
    assert.equal(await page.locator("#status").innerText(), "You are not signed in.");

    // Sign in again, then out through the demo's server-side action (AuthContext::sign_out).
    await page.goto(`${origin}/auth/signin`);
    await signInWithCredentials(page, "demo", "demo");
    await page.waitForURL(`${origin}/`);
    assert.match(await page.locator("#status").innerText(), /signed in as Demo User/);
    await page.locator("header").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${origin}/`);
    assert.equal(await page.locator("#status").innerText(), "You are not signed in.");
    await page.goto(`${origin}/protected`);
    assert.match(page.url(), /\/auth\/signin\?callbackUrl=/);
  });
});

test("a wrong password shows the CredentialsSignin banner", TIMEOUT, async () => {
  await withDemo({}, {}, async ({ origin, page }) => {
    await page.goto(`${origin}/auth/signin`);
    await signInWithCredentials(page, "demo", "wrong");
    await page.waitForURL(/error=CredentialsSignin/);
    const banner = page.getByRole("alert");
    assert.equal(await banner.innerText(), "Sign in failed. Check the details you provided are correct.");
    await page.goto(`${origin}/`);
    assert.equal(await page.locator("#status").innerText(), "You are not signed in.");
  });
});

// Dummy OAuth/OIDC clients so the sign-in page shows provider buttons; nothing contacts them.
const PROVIDERS_ENV = {
  AUTH_GITHUB_ID: "screenshot",
  AUTH_GOOGLE_ID: "screenshot",
  AUTH_KEYCLOAK_ID: "screenshot",
  AUTH_KEYCLOAK_ISSUER: "http://127.0.0.1:9/realms/demo",
};

for (const colorScheme of ["light", "dark"]) {
  test(`screenshots of the built-in pages (${colorScheme})`, TIMEOUT, async () => {
    await withDemo(PROVIDERS_ENV, { colorScheme }, async ({ origin, page }) => {
      const shots = [
        ["signin", "/auth/signin", "Sign in"],
        ["signin-error", "/auth/signin?error=CredentialsSignin", "Sign in"],
        ["signout", "/auth/signout", "Sign out"],
        ["error", "/auth/error?error=AccessDenied", "Access Denied"],
        ["verify-request", "/auth/verify-request", "Check your email"],
      ];
      for (const [name, path, heading] of shots) {
        await page.goto(`${origin}${path}`);
        assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), heading);
        assert.equal(await page.locator("html").getAttribute("lang"), "en");
        assert.equal(await page.getByRole("main").count(), 1);
        await screenshot(page, `${name}-${colorScheme}`);
      }
      // The provider buttons, each with its mark, in the order configured.
      await page.goto(`${origin}/auth/signin`);
      for (const name of ["GitHub", "Google", "Keycloak"]) {
        const button = page.getByRole("button", { name: `Sign in with ${name}` });
        assert.equal(await button.count(), 1, name);
        assert.equal(await button.locator("svg").count(), 1, name);
      }
      // Keyboard focus follows the visual order: providers, then the form fields, then submit.
      const order = [];
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press("Tab");
        order.push(
          await page.evaluate(() => {
            // The visible name without decorative (aria-hidden) marks.
            const el = document.activeElement;
            if (el.labels?.length) return el.labels[0].innerText;
            const copy = el.cloneNode(true);
            copy.querySelectorAll("[aria-hidden=true]").forEach((n) => n.remove());
            return copy.innerText.trim();
          }),
        );
      }
      assert.deepEqual(order, [
        "Sign in with GitHub",
        "Sign in with Google",
        "Sign in with Keycloak",
        "Username",
        "Password",
        "Sign in with Credentials",
      ]);
    });
  });
}
