// Shared pieces of the browser tests: build and start the demo on a free loopback port, and
// launch Debian's Chromium through playwright-core with a fresh profile. A missing Chromium is a
// failure, never a skip.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where the screenshots of the built-in pages go. */
export const SCREENSHOTS = join(ROOT, "docs", "screenshots");

/** The Chromium binary: `$CHROMIUM`, else Debian's `chromium` found on PATH. */
export function chromiumPath() {
  const onPath = (process.env.PATH || "")
    .split(":")
    .map((dir) => join(dir, "chromium"))
    .find((candidate) => existsSync(candidate));
  const path = process.env.CHROMIUM || onPath || "chromium";
  if (!existsSync(path)) {
    throw new Error(
      `Chromium is missing at ${path}: install it (apt-get install -y chromium) or set CHROMIUM to its path`,
    );
  }
  return path;
}

let built = null;

// Children still running when this process exits (a failed or killed test) are killed with it.
const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Builds the demo once per run (cargo is quick when it is up to date) and returns its path. */
export function demoBinary() {
  if (built) return built;
  execFileSync("cargo", ["build", "--quiet", "-p", "demo"], { cwd: ROOT, stdio: "inherit" });
  const meta = JSON.parse(
    execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    }).toString(),
  );
  built = join(meta.target_directory, "debug", process.platform === "win32" ? "demo.exe" : "demo");
  return built;
}

/** A loopback port nobody listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the demo with `env` added to a clean authentication environment (no AUTH_* from the
 * caller's shell leaks in) and waits until it listens. Returns `{ origin, stop, output }`.
 */
export async function startDemo(env = {}) {
  const binary = demoBinary();
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("AUTH_") && !k.startsWith("NEXTAUTH_")),
  );
  const child = spawn(binary, [], {
    cwd: ROOT,
    env: { ...clean, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let output = "";
  child.stderr.on("data", (d) => (output += d));
  const origin = `http://127.0.0.1:${port}`;
  await new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start within 30s:\n${output}`)), 30_000);
    child.stdout.on("data", (d) => {
      output += d;
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolveStart();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
  return {
    origin,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Launches headless Chromium with a fresh profile. Returns `{ context, page, close }`; `options`
 * go to the browser context (e.g. `{ colorScheme: "dark" }`).
 */
export async function launchBrowser(options = {}) {
  const executablePath = chromiumPath();
  const profile = mkdtempSync(join(tmpdir(), "authjs-rs-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 800, height: 700 },
    timeout: 60_000,
    ...options,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot as `docs/screenshots/<name>.png` (the viewport unless `options` say). */
export async function screenshot(page, name, options = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), ...options });
}

/**
 * Runs `body({ origin, page, context })` against a fresh demo (started with `env`) in a fresh
 * browser (`browserOptions` go to the context), and always stops both. A failure carries the
 * demo's output.
 */
export async function withDemo(env, browserOptions, body) {
  const demo = await startDemo(env);
  let browser;
  try {
    browser = await launchBrowser(browserOptions);
    await body({ origin: demo.origin, page: browser.page, context: browser.context });
  } catch (err) {
    err.message += `\n--- demo output ---\n${demo.output()}`;
    throw err;
  } finally {
    await browser?.close();
    await demo.stop();
  }
}
