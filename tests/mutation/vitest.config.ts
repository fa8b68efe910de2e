// The tests Stryker runs (stryker.config.mjs): the unit tests, which state the pure rules in
// milliseconds, and the integration tests of the quarterly reviews, which are the only ones that
// can notice a change to src/services/plan/reviews.ts (it works on the database). Each mutant runs
// only the tests that ran its code (coverageAnalysis "perTest"), so every test here must pass on
// its own, without the tests before it in its file.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export const REVIEW_INTEGRATION_TESTS = [
  "tests/integration/reviews.test.ts",
  "tests/integration/review-conflicts.test.ts",
  "tests/integration/joint-reviews.test.ts",
  "tests/integration/review-quarters.test.ts",
];

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    passWithNoTests: false,
    projects: [
      // The unit tests first: a mutant they kill is killed in milliseconds (Stryker stops at the first failure).
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: REVIEW_INTEGRATION_TESTS,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
