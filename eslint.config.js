// Type-aware lint, and the dependency direction of ARCHITECTURE.md enforced per folder:
// schema, protocol <- nix <- rules, probes <- server, cli <- extension (through LSP only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
const noVscode = { group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'Only src/extension may import VS Code.' };
const noLsp = { group: ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument'], message: 'Only src/server knows LSP types.' };
const noUpper = (...dirs) => ({ group: dirs.map((d) => `**/${d}/*`), message: `Imports point down the layers (ARCHITECTURE.md): not ${dirs.join(', ')}.` });

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', '.cache/', 'src/nix/generated/', 'scripts/', 'eslint.config.js', 'esbuild.mjs', 'test/vscode/fixtures/', 'test-artifacts/'] },
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
  restrict(['src/schema/**', 'src/protocol/**'], [noVscode, noLsp, noUpper('nix', 'rules', 'probes', 'server', 'cli', 'extension')]),
  restrict(['src/nix/**'], [noVscode, noLsp, noUpper('rules', 'probes', 'server', 'cli', 'extension')]),
  restrict(['src/rules/**', 'src/probes/**'], [noVscode, noLsp, noUpper('server', 'cli', 'extension')]),
  restrict(['src/server/**', 'src/cli/**'], [noVscode, noUpper('extension')]),
  restrict(['src/extension/**'], [noLsp, noUpper('nix', 'rules', 'probes', 'server', 'cli', 'schema')]),
);
