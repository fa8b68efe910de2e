// The unit tests alone, for mutation testing (stryker.config.mjs): Stryker runs the tests that
// cover a mutant once per mutant, and the unit tests state the rules in milliseconds.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: { name: "unit", include: ["tests/unit/**/*.test.ts"], passWithNoTests: false },
});
