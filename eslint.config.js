// ESLint (flat config) with typescript-eslint's type-checked rules over src/, test/, scripts/ and
// bench/; run by `npm run lint`, which `npm test` runs first.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "test-results/**", "bench/out/**", "demo-output/**", "test/architecture/fixture/**", "**/*.d.mts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  { files: ["**/*.mjs", "**/*.js", "**/*.cjs"], ...tseslint.configs.disableTypeChecked },
  { files: ["**/*.mjs", "**/*.js", "**/*.cjs"], languageOptions: { globals: { ...globals.node } } },
  // CommonJS fixtures (a hook written as a CommonJS module) use require by design
  { files: ["**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  {
    // test doubles implement async interfaces without awaiting anything; vitest's asymmetric
    // matchers (expect.any, expect.stringMatching) are typed any, so assigning them is allowed
    files: ["test/**"],
    rules: { "@typescript-eslint/require-await": "off", "@typescript-eslint/no-unsafe-assignment": "off" },
  },
);
