// Run axe-core (WCAG 2.1 A and AA rules) on local HTML files in Debian's Chromium; print violations as JSON.
// Usage: node axe_check.cjs <node_modules folder> <page.html>...
const path = require("path");
const [modules, ...pages] = process.argv.slice(2);
const { chromium } = require(path.join(modules, "playwright-core"));
const axeSource = require("fs").readFileSync(path.join(modules, "axe-core", "axe.min.js"), "utf8");

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  // Our pages forbid scripts (Content-Security-Policy); axe is injected by the checker, not the page.
  const context = await browser.newContext({ bypassCSP: true });
  // The pages must work offline: anything but a local file is refused.
  await context.route("**/*", (route) =>
    route.request().url().startsWith("file:") ? route.continue() : route.abort());
  const results = {};
  for (const page of pages) {
    const tab = await context.newPage();
    await tab.goto("file://" + path.resolve(page));
    await tab.addScriptTag({ content: axeSource });
    const found = await tab.evaluate(async () => {
      const report = await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return report.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`);
    });
    results[page] = found;
    await tab.close();
  }
  await browser.close();
  process.stdout.write(JSON.stringify(results));
})().catch((error) => {
  process.stderr.write(String(error.stack || error));
  process.exit(2);
});
