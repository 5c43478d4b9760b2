// Puts third-party browser files among the gateway's static assets (web/public/vendor, git-ignored):
// Scalar's standalone bundle, so /docs renders without reaching a CDN.
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "./workers.mjs";

const FILES = [
  {
    from: "node_modules/@scalar/api-reference/dist/browser/standalone.js",
    to: "web/public/vendor/scalar/standalone.js",
  },
];

export function copyVendorAssets() {
  for (const { from, to } of FILES) {
    const source = join(ROOT, from);
    const target = join(ROOT, to);
    if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) copyVendorAssets();
