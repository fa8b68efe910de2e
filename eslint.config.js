import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "src/generated/",
      "public/",
      "data/",
      "test-results/",
      "bench/out/",
      "reports/",
      ".stryker-tmp/",
      "dist/",
      ".dist-*/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    files: ["public/js/**", "scripts/**"],
    rules: { "no-console": "off" },
  },
  prettier,
);
