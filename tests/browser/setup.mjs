// What every file of journeys shares: one server with the demo site and one browser
// for all its journeys, no journey passing with a content-policy violation or a
// dialog left over, and signing in to the newsroom.
import { before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startServer, PASSWORD } from "./server.mjs";
import { launch, takeIncidents } from "./browser.mjs";

/** Starts the server and the browser before the file's journeys; `server` and `context` are set then. */
export function journeys() {
  const run = { server: null, context: null };
  before(async () => {
    run.server = await startServer();
    run.context = await launch();
  });
  after(async () => {
    await run.context?.close();
    run.server?.stop();
  });
  afterEach(() => {
    assert.deepEqual(takeIncidents(), []);
  });
  return run;
}

/** Signs `page` in to the newsroom of the server it was opened on, and waits for the desk. */
export async function signIn(page, name, password = PASSWORD) {
  await page.goto(`${page.address}/newsroom/login`);
  await page.fill("#username", name);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(/\/newsroom$/), page.click("form button[type=submit]")]);
}
