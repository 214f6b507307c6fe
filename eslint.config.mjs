// Lint rules for the TypeScript of the server, the media layer, signaling, scripts, tests and the
// browser app, with type information (typescript-eslint's type-checked rules). Formatting is
// prettier's business (eslint-config-prettier turns off the rules that would disagree with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-artifacts/', 'data/', '.scratch/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './admin-ui/tsconfig.json', './admin-ui/tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The three the project insists on: a promise is awaited or handed on on purpose (`void`), an
      // async function is never passed where a void callback is expected, and type-only imports say so
      // (they vanish from the browser bundle and never create a runtime cycle).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // Unused bindings fail the type check already (noUnusedLocals / noUnusedParameters); a leading
      // underscore marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Handlers are `async` by contract (their result is awaited by the request router or the route
      // registry) even when a body has nothing to await: the rule would ask for wrappers that say less.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests state what they expect with non-null assertions on values the test itself just created.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  prettier,
);
