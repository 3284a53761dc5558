#!/usr/bin/env node
// Bundles the dashboard page (src/dashboard/ui) with Chart.js into dist/dashboard/assets/app.js and
// app.css: one script and one stylesheet, served by the monitor and inlined by `report --html`.
// Part of `npm run build`; the page is typechecked by `npm run typecheck` (src/dashboard/ui/tsconfig.json).
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: { app: join(root, "src/dashboard/ui/main.ts") },
  outdir: join(root, "dist/dashboard/assets"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "eof",
  logLevel: "warning",
});
