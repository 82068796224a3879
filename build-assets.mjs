// Builds the front-end assets into portal/static/build/ (ignored by git).
// Run by `make assets` after `npm ci`; nothing it writes is committed.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "portal", "static", "build");
const frontend = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "assets", "portal.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "portal.css"), css.css);

copyFileSync(join(frontend, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
copyFileSync(join(root, "assets", "init.mjs"), join(out, "init.mjs"));
copyFileSync(join(root, "assets", "favicon.svg"), join(out, "favicon.svg"));
console.log(`assets built in ${out}`);
