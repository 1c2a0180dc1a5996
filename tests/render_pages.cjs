// Draws pages in ONE headless Chromium, for the tests that compare what readers see.
// Usage: node render_pages.cjs <node_modules> <chromium> <jobs.json> <results.json>
// jobs.json is [{"page": path, "png": path}]; each page is drawn at 640 px wide, whole, into its PNG.
// results.json gets, per page, the direction and unicode-bidi of every code block and inline code as
// Chromium computes them, and whether each of the page's fonts loaded.
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, chromiumPath, jobsPath, resultsPath] = process.argv.slice(2);
const { chromium } = require(path.join(modules, "playwright-core"));

(async () => {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--font-render-hinting=none"] });
  const context = await browser.newContext({ viewport: { width: 640, height: 480 }, deviceScaleFactor: 1 });
  // Offline, as a reader's copy: anything but a local file is refused.
  await context.route("**/*", (route) =>
    route.request().url().startsWith("file:") ? route.continue() : route.abort());
  const tab = await context.newPage();
  const results = {};
  for (const job of JSON.parse(fs.readFileSync(jobsPath, "utf8"))) {
    await tab.goto("file://" + job.page, { waitUntil: "load" });
    await tab.evaluate(() => document.fonts.ready);
    results[job.page] = await tab.evaluate(() => ({
      fonts: [...document.fonts].map((font) => `${font.family} ${font.weight}: ${font.status}`),
      code: [...document.querySelectorAll("pre, :not(pre) > code")].map((element) => {
        const style = getComputedStyle(element);
        return { direction: style.direction, bidi: style.unicodeBidi, family: style.fontFamily };
      }),
    }));
    await tab.screenshot({ path: job.png, fullPage: true });
  }
  await browser.close();
  fs.writeFileSync(resultsPath, JSON.stringify(results));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
