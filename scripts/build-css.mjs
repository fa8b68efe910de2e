// Builds public/stylesheets/app.css from src/styles/app.scss (GOV.UK Frontend from npm).
import { mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const result = sass.compile("src/styles/app.scss", {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
mkdirSync("public/stylesheets", { recursive: true });
writeFileSync("public/stylesheets/app.css", result.css);
console.log(`public/stylesheets/app.css: ${(result.css.length / 1024).toFixed(1)} KiB`);
