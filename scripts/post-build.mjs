// Writes `.gz` and `.br` next to every compressible file of a Trunk build (run as Trunk's
// post_build hook, which sets TRUNK_STAGING_DIR). The server embeds both and picks one by
// the request's Accept-Encoding.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error("compress-dist: set TRUNK_STAGING_DIR or pass the directory");
  process.exit(2);
}

const COMPRESSIBLE = /\.(html|js|mjs|wasm|css|svg|json|webmanifest|txt)$/;

function walk(path) {
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) {
      walk(full);
    } else if (COMPRESSIBLE.test(name)) {
      compress(full);
    }
  }
}

function compress(file) {
  const raw = readFileSync(file);
  if (raw.length < 1024) return;
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: file.endsWith(".wasm") ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  writeFileSync(`${file}.gz`, gz);
  writeFileSync(`${file}.br`, br);
  console.log(`compress-dist: ${file.slice(dir.length + 1)} ${raw.length} → gzip ${gz.length}, br ${br.length}`);
}

walk(dir);
