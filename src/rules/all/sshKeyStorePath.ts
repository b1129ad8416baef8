/**
 * `ssh-key-store-path`: the key must be a string naming a root-only file. A path literal
 * (`sshKey = ./builder_ed25519;`) is rejected by the option's type (`null or string`: nixpkgs'
 * `types.str` checks `isString`, false for paths), and the tempting workaround `"${./key}"` copies
 * the PRIVATE key into the world-readable /nix/store
 * (docs/dev/domain.md#the-machines-file-and-buildmachines).
 */
import { nixString } from '../../nix/print.js';
import { fitting, TITLE_LIMIT, type Rule, type RuleFinding } from '../rule.js';

/** `"${./key}"` or `"${/etc/key}"`: a string whose only content is an interpolated path literal. */
const PATH_INTERPOLATION = /^"\$\{\s*(\.{0,2}\/|~\/)[^}]*\}"$/;

export const sshKeyStorePathRule: Rule = {
  id: 'ssh-key-store-path',
  severity: 'error',
  reads: [['*', 'buildMachines']],
  docs: 'docs/rules/ssh-key-store-path.md',
  summary:
    '`sshKey = ./path/literal` (a type error: the option is a string) or `"${./key}"` (copies the private key into the world-readable store)',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      const last = def.path[def.path.length - 1];
      if (last !== 'sshKey' || def.path[1] !== 'buildMachines') continue;
      const written = ctx.text.slice(def.value.span.from, def.value.span.to);
      if (def.value.kind === 'path') {
        const absolute = written.startsWith('/') && !written.includes('${');
        findings.push({
          span: def.value.span,
          severity: 'error',
          message:
            'sshKey is a path literal, but the option takes a string: darwin-rebuild stops with a type error.',
          detail: `sshKey is a Nix path literal (${written}): the option is "null or string", so darwin-rebuild stops with "is not of type 'null or string'", and the usual workaround "\${${written}}" copies the private key into the world-readable /nix/store. Give the key's location as a plain string, e.g. "/etc/nix/builder_ed25519", a file readable only by root (the nix-daemon connects as root).`,
          fixes: absolute
            ? [
                {
                  title: fitting(TITLE_LIMIT, `Quote it: ${nixString(written)}`, 'Quote it as a string'),
                  isPreferred: true,
                  edits: [{ from: def.value.span.from, to: def.value.span.to, newText: nixString(written) }],
                },
              ]
            : [],
        });
      } else if (
        def.value.kind === 'string' &&
        def.value.value === null &&
        PATH_INTERPOLATION.test(written)
      ) {
        findings.push({
          span: def.value.span,
          severity: 'error',
          message:
            'sshKey interpolates a path, which copies the private key into the world-readable /nix/store.',
          detail: `${written} copies the file into the /nix/store, where every user and every build can read it. Keep the key outside the store (e.g. /etc/nix/builder_ed25519, readable only by root) and give its location as a plain string.`,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
