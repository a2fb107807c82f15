// The initial bundle: the entry chunk, every chunk it imports statically and their CSS,
// gzipped as the gateway's clients receive them. Fails the build above the budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_KB = 300;
const dist = new URL("../dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const files = new Set(["index.html"]);
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return;
  files.add(chunk.file);
  (chunk.css ?? []).forEach((file) => files.add(file));
  (chunk.imports ?? []).forEach(visit);
};
visit(entry);
let total = 0;
for (const file of files) total += gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = total / 1024;
console.log(`initial bundle: ${kb.toFixed(1)} kB gzipped in ${files.size} files (budget ${BUDGET_KB} kB)`);
if (kb > BUDGET_KB) {
  console.error(`the initial bundle is over its ${BUDGET_KB} kB budget`);
  process.exit(1);
}
