// Launches Debian's Chromium through playwright-core, refusing every request that
// does not go to the server under test.
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, ".tools", "node_modules", "x.js"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const SCREENSHOTS = join(root, "target", "browser-screenshots");
export const SIZES = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 800 } };

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "newsline-chromium-"));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** Content-policy violations and script dialogs seen on any page since the last look. */
const incidents = [];

/** Takes the incidents recorded so far: a journey fails unless there are none. */
export function takeIncidents() {
  return incidents.splice(0, incidents.length);
}

/** Watches `page` for a content-policy violation, a dialog (alert, confirm...) or `window.__xss`. */
export async function watch(page) {
  // Init scripts run before the page's own and regardless of its content policy.
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) { incidents.push(`${page.url()}: ${message.text()}`); }
  });
  page.on("dialog", async (dialog) => {
    // A journey that expects a confirmation sets `page.answer` to "accept" or "dismiss".
    if (page.answer && dialog.type() === "confirm") {
      page.asked = [...(page.asked || []), dialog.message()];
      await (page.answer === "accept" ? dialog.accept() : dialog.dismiss());
      return;
    }
    incidents.push(`${page.url()}: a ${dialog.type()} dialog said ${JSON.stringify(dialog.message())}`);
    await dialog.dismiss().catch(() => {});
  });
}

/** Whether a payload set its marker on the current document. */
export async function markerSet(page) {
  return page.evaluate(() => window.__xss !== undefined);
}

/** A page at `size` whose requests may only go to `address`; others are recorded and refused. */
export async function newPage(context, address, size) {
  const page = await context.newPage();
  await watch(page);
  await page.setViewportSize(SIZES[size]);
  page.address = address;
  page.foreign = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(address) || url.startsWith("data:")) { return route.continue(); }
    page.foreign.push(url);
    return route.abort();
  });
  return page;
}

let shot = 0;
/** Keeps a screenshot of the current step as a test artifact. */
export async function snap(page, journey, size, step) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  shot += 1;
  const name = `${journey}-${size}-${String(shot).padStart(2, "0")}-${step}.png`;
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

/** Serious or critical accessibility violations of the current page, by axe-core. */
export async function accessibilityProblems(page) {
  // Evaluated through the DevTools protocol, not as an inline script the content policy
  // would rightly refuse.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
}
