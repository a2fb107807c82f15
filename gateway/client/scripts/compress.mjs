// Precompressed copies of the hashed assets (name.js.gz beside name.js): the gateway sends
// them to browsers that accept gzip, without compressing on every request.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const assets = new URL("../dist/assets/", import.meta.url).pathname;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg|json)$/.test(name)) continue;
  const source = readFileSync(join(assets, name));
  const packed = gzipSync(source, { level: 9 });
  if (packed.length < source.length) writeFileSync(join(assets, `${name}.gz`), packed);
}
