// Mutation testing (StrykerJS) of the partnership's rule files: `npm run test:mutation`.
// Stryker changes the code one small way at a time (a mutant) and runs the tests that cover it;
// a mutant no test notices has "survived" and points at a rule nothing checks.
//
// While working on one file:  npm run test:mutation -- --mutate src/services/plan/review-rules.ts
// To check the survivors:     MUTATION_RUNNER=command npm run test:mutation -- --mutate <file>:<lines>
//
// The tests run are tests/mutation/vitest.config.ts: the unit tests, and the integration tests of
// the quarterly reviews (src/services/plan/reviews.ts works on the database, so only they can notice
// its mutants). With coverageAnalysis "perTest" each mutant runs only the tests that ran its code.
// Vitest finds the test files through their imports (vitest.related); they are not named with
// `testFiles`, with which Stryker 9.6 activates a mutant of code that runs at import time too late
// and reports it as survived (stryker-js#6144).
//
// The Vitest runner still reports as survived a mutant that makes a module fail to import (the
// test file then has no tests to fail). MUTATION_RUNNER=command runs the tests as a plain command
// for each mutant instead, a fresh process with the mutant active from the start, and counts any
// failure: slower (every test for every mutant, so give it a few lines: `--mutate <file>:17-20`),
// and the judge of what the Vitest runner reports as survived. MUTATION_PROJECT=unit runs only
// the unit tests there, enough for password-policy.ts, authentication.ts, review-rules.ts and the
// case rules (src/services/cases/rules.ts, risk.ts, access.ts).
const command = process.env.MUTATION_RUNNER === "command";
const vitestConfig = "tests/mutation/vitest.config.ts";
const project = process.env.MUTATION_PROJECT ? ` --project ${process.env.MUTATION_PROJECT}` : "";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  ...(command
    ? {
        testRunner: "command",
        commandRunner: { command: `npx vitest run --config ${vitestConfig}${project}` },
        coverageAnalysis: "off",
      }
    : {
        testRunner: "vitest",
        vitest: { configFile: vitestConfig, related: true },
        coverageAnalysis: "perTest",
      }),
  mutate: [
    // The quarterly review rules: who may record an agency's update, the commentary rule, and
    // saving without losing anyone's update (integration tests).
    "src/services/plan/reviews.ts",
    // The review rules that need no database: the RAG order, commentary, quarters, joint items.
    "src/services/plan/review-rules.ts",
    // Passwords: long enough, not common, not the email's name (NCSC).
    "src/services/password-policy.ts",
    // Access: who may use each partner route, and where sign-in may send someone afterwards.
    "src/middleware/authentication.ts",
    // Cases: the statuses and how a case moves between them, the consent gate, closing, days open.
    "src/services/cases/rules.ts",
    // The victim risk assessment: the score, its levels, a changed level's reason, first contact due.
    "src/services/cases/risk.ts",
    // Case access: never a viewer's; coordinators see every case, officers their agency's; the Panel.
    "src/services/cases/access.ts",
  ],
  // The machine has two cores, shared with whoever else runs tests: one mutant at a time.
  concurrency: 1,
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
