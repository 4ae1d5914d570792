// Trunk's post_build hook (which sets TRUNK_STAGING_DIR), in two steps:
// 1. bundles the parts of ECharts the app draws with (scripts/echarts-entry.mjs) into
//    echarts.min.js, with esbuild (npm);
// 2. writes `.gz` and `.br` next to every compressible file of the build. The server embeds
//    both and picks one by the request's Accept-Encoding.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error("post-build: set TRUNK_STAGING_DIR or pass the directory");
  process.exit(2);
}

// ECharts' own licence header, as its published build carries it.
const here = dirname(fileURLToPath(import.meta.url));
const published = readFileSync(join(here, "../node_modules/echarts/dist/echarts.min.js"), "utf8");
const licence = (published.match(/^\s*\/\*[\s\S]*?\*\//) ?? [""])[0].trim();
await build({
  entryPoints: [join(here, "echarts-entry.mjs")],
  // Chromium's compile hint: compile every function of the file as it streams in, off the
  // page's thread, rather than each on its first call (the first chart drawn would otherwise
  // compile most of ECharts in one long task).
  banner: { js: `//# allFunctionsCalledOnLoad\n${licence}` },
  bundle: true,
  minify: true,
  // A module: Chromium compiles it mostly off the page's thread (measured with a 4× slower CPU:
  // about half the main-thread time of the same code as a classic script).
  format: "esm",
  target: "es2020",
  outfile: join(dir, "echarts.min.js"),
  logLevel: "warning",
});

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
  console.log(`post-build: ${file.slice(dir.length + 1)} ${raw.length} → gzip ${gz.length}, br ${br.length}`);
}

walk(dir);
