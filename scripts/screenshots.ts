// `npm run screenshots`: the dashboard at each step, at desktop and phone width, into
// docs/screenshots/ (the pictures the README shows). Boots its own local stack; renders
// examples/hello through the page and a small varg scene.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { bootStack } from "../test/e2e/local-stack.ts";
import { projectRoot } from "./lib/paths.ts";
import { zipDirectory } from "./lib/zip-dir.ts";
import { DashboardDriver, VIEWPORTS } from "./lib/dashboard-driver.ts";
import { dashboardTour } from "./lib/dashboard-tour.ts";

const VARG_SCENE = `import { Render, Clip, Title } from "vargai/react";
export default (
  <Render width={640} height={360} fps={24}>
    <Clip duration={2}><Title color="#fb923c">Pasted into the dashboard</Title></Clip>
  </Render>
);`;

const out = path.join(projectRoot, "docs/screenshots");
const stack = await bootStack();
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-shots-"));
try {
  const zip = path.join(scratch, "hello.zip");
  await fs.writeFile(zip, await zipDirectory(path.join(projectRoot, "examples/hello")));
  await fs.rm(out, { recursive: true, force: true });
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    // One device pixel per CSS pixel keeps the committed pictures small.
    const driver = await DashboardDriver.open(stack.apiUrl, { ...viewport, deviceScaleFactor: 1 });
    try {
      const seen = await dashboardTour(driver, { apiKey: stack.apiKey, projectZip: zip, vargCode: VARG_SCENE, screenshots: { dir: out, prefix: name } });
      console.log(`${name}: render ${seen.renderId} (${seen.progress.length} progress values), varg ${seen.varg?.status}`);
      await driver.goto("/reference");
      await driver.waitFor("document.querySelectorAll('#ref-operations section').length > 10", "the reference");
      await driver.screenshot(path.join(out, `${name}-90-reference.png`), false);
      await driver.goto("/setup");
      await driver.waitFor("!/Checking/.test(document.querySelector('#setup-state').textContent)", "the setup state");
      await driver.screenshot(path.join(out, `${name}-91-setup.png`), false);
    } finally {
      await driver.close();
    }
  }
  console.log(`screenshots in ${path.relative(process.cwd(), out)}/`);
} finally {
  await stack.dispose();
  await fs.rm(scratch, { recursive: true, force: true });
}
