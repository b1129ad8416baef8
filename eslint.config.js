// Type-aware lint, and the dependency direction of docs/dev/architecture.md#layers enforced per folder:
// schema, protocol <- nix <- rules, probes <- workspace <- server, cli <- extension (through LSP only).
// The analysis (nix, rules) is a pure function of its inputs: file I/O and discovery live in workspace/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
const noVscode = {
  group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'],
  message: 'Only src/extension may import VS Code.',
};
const noLsp = {
  group: ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument'],
  message: 'Only src/server knows LSP types.',
};
const noFs = {
  group: ['fs', 'fs/*', 'node:fs', 'node:fs/*'],
  message: 'Rules and the Nix layer do no I/O: read files in src/workspace (docs/dev/architecture.md#rules).',
};
const noUpper = (...dirs) => ({
  group: dirs.map((d) => `**/${d}/*`),
  message: `Imports point down the layers (docs/dev/architecture.md#layers): not ${dirs.join(', ')}.`,
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      '.cache/',
      'src/nix/generated/',
      'scripts/',
      'eslint.config.js',
      'esbuild.mjs',
      'test/vscode/fixtures/',
      'test-artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/extension/**'], rules: { 'no-console': 'off' } },
  { files: ['src/extension/**/*.ts'], rules: { 'no-console': 'error' } },
  restrict(
    ['src/schema/**', 'src/protocol/**'],
    [noVscode, noLsp, noUpper('nix', 'rules', 'probes', 'workspace', 'server', 'cli', 'extension')],
  ),
  restrict(
    ['src/nix/**'],
    [noVscode, noLsp, noFs, noUpper('rules', 'probes', 'workspace', 'server', 'cli', 'extension')],
  ),
  restrict(['src/rules/**'], [noVscode, noLsp, noFs, noUpper('workspace', 'server', 'cli', 'extension')]),
  restrict(['src/probes/**'], [noVscode, noLsp, noUpper('workspace', 'server', 'cli', 'extension')]),
  restrict(['src/workspace/**'], [noVscode, noLsp, noUpper('server', 'cli', 'extension')]),
  restrict(['src/server/**', 'src/cli/**'], [noVscode, noUpper('extension')]),
  restrict(
    ['src/extension/**'],
    [noLsp, noUpper('nix', 'rules', 'probes', 'workspace', 'server', 'cli', 'schema')],
  ),
);
