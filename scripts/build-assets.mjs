// Builds the front-end assets into static/dist: the NHS.UK design system compiled with our
// settings (fonts and images served by us, never from a CDN), its JavaScript, and htmx.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");
const nhsuk = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "assets", "scss", "hubdiary.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "hubdiary.css"), css.css);

cpSync(join(nhsuk, "nhsuk-frontend.min.js"), join(out, "nhsuk-frontend.min.js"));
cpSync(join(nhsuk, "assets", "images"), join(out, "images"), { recursive: true });
cpSync(join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"), join(out, "htmx.min.js"));
cpSync(join(root, "assets", "js"), out, { recursive: true });

console.log(`assets built into ${out}`);
