// Mutation testing (StrykerJS) of the partnership's rule files: `npm run test:mutation`.
// Stryker changes the code one small way at a time (a mutant) and runs the tests that cover it;
// a mutant no test notices has "survived" and points at a rule nothing checks.
//
// While working on one file:  npm run test:mutation -- --mutate src/services/password-policy.ts
// To check the survivors:     MUTATION_RUNNER=command npm run test:mutation -- --mutate <file>
//
// The unit tests are the ones run (tests/unit/vitest.config.ts): they state the rules and take
// milliseconds, where every integration test builds a database and would be run again for every
// mutant. Vitest finds them through their imports (vitest.related); they are not named with
// `testFiles`, with which Stryker 9.6 activates a mutant of code that runs at import time too late
// and reports it as survived (stryker-js#6144).
//
// The Vitest runner still reports as survived a mutant that makes a module fail to import (the
// test file then has no tests to fail). MUTATION_RUNNER=command runs the unit tests as a plain
// command for each mutant instead, a fresh process with the mutant active from the start, and
// counts any failure: slower, and the judge of what the Vitest runner reports as survived.
const command = process.env.MUTATION_RUNNER === "command";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  ...(command
    ? {
        testRunner: "command",
        commandRunner: { command: "npx vitest run --config tests/unit/vitest.config.ts" },
        coverageAnalysis: "off",
      }
    : {
        testRunner: "vitest",
        vitest: { configFile: "tests/unit/vitest.config.ts", related: true },
        coverageAnalysis: "perTest",
      }),
  mutate: [
    // The quarterly review rules (being rewritten: its score is not yet a target).
    "src/services/reviews.ts",
    // Passwords: long enough, not common, not the email's name (NCSC).
    "src/services/password-policy.ts",
    // Access: who may use each partner route, and where sign-in may send someone afterwards.
    "src/middleware/authentication.ts",
  ],
  // The machine has two cores.
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // What the tests never read: not copied into Stryker's sandboxes.
  ignorePatterns: ["/data", "/test-results", "/bench/out"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
};
