/**
 * `host-name-has-scheme`: a scheme (`ssh://`, `ssh-ng://`) or a user inside a `nix.buildMachines`
 * hostName. nix-darwin writes the store URI as `<protocol>://<sshUser>@<hostName>`
 * (modules/nix/default.nix, environment.etc."nix/machines"), so `"ssh://builder@localhost"` becomes
 * `ssh://ssh://builder@localhost` and Nix fails with "cannot build on 'ssh://ssh://…'"
 * (nixpkgs#229542; docs/dev/domain.md#failures-users-report). With `protocol = null` nothing is
 * prepended, so a scheme there is right; a user with no sshUser gives a working URI too.
 */
import { insertIntoSet, nixString, type OffsetEdit } from '../../nix/print.js';
import { entryProtocol, machineEntries } from '../machineEntries.js';
import { fitting, MESSAGE_LIMIT, quoted, TITLE_LIMIT, type Rule, type RuleFinding } from '../rule.js';

const SPLIT = /^\s*(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?(?:([^@/\s]+)@)?([^@\s]+)\s*$/;

export const hostNameHasSchemeRule: Rule = {
  id: 'host-name-has-scheme',
  severity: 'error',
  reads: [['nix', 'buildMachines']],
  docs: 'docs/rules/host-name-has-scheme.md',
  summary:
    '`hostName = "ssh://builder@host"`: nix-darwin prepends the scheme again (`ssh://ssh://…`); splits it into `hostName`/`sshUser`/`protocol`',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const entry of machineEntries(ctx)) {
      const written = entry.hostNameValue;
      if (!written || !entry.hostName) continue;
      const parts = SPLIT.exec(written);
      if (!parts) continue;
      const [, scheme, user, host] = parts;
      const protocol = entryProtocol(entry);
      const sshUser = entry.fields.get('sshUser');
      const hasUser = sshUser !== undefined && sshUser.value.kind !== 'null';
      if (scheme === undefined && (user === undefined || !hasUser)) continue; // a user alone still gives a working URI
      if (protocol === null && (user === undefined || !hasUser)) continue; // nothing prepended: the URI is as written
      const span = entry.hostName.value.span;
      const edits: OffsetEdit[] = [{ from: span.from, to: span.to, newText: nixString(host ?? '') }];
      let fixable = host !== undefined;
      if (user !== undefined && !hasUser) {
        if (entry.set && !sshUser)
          edits.push(insertIntoSet(ctx.text, entry.set, ['sshUser'], nixString(user)));
        else fixable = false;
      }
      if (scheme !== undefined && protocol !== null) {
        const wanted = scheme === 'ssh' || scheme === 'ssh-ng' ? scheme : undefined;
        const protocolDef = entry.fields.get('protocol');
        // nix.buildMachines.*.protocol defaults to "ssh".
        if (wanted && wanted !== (protocol ?? 'ssh')) {
          if (protocolDef)
            edits.push({
              from: protocolDef.value.span.from,
              to: protocolDef.value.span.to,
              newText: nixString(wanted),
            });
          else if (entry.set) edits.push(insertIntoSet(ctx.text, entry.set, ['protocol'], nixString(wanted)));
          else fixable = false;
        }
        if (!wanted) fixable = false;
      }
      const userText = sshUser?.value.kind === 'string' && sshUser.value.value ? sshUser.value.value : 'user';
      const uri = `${protocol ?? 'ssh'}://${hasUser ? `${userText}@` : ''}${written}`;
      findings.push({
        span,
        severity: 'error',
        message: fitting(
          MESSAGE_LIMIT,
          scheme !== undefined
            ? `hostName holds a scheme, and nix-darwin prepends one again: the builder is ${quoted(uri, 50)}.`
            : `hostName holds a user while sshUser is set too: the builder is ${quoted(uri, 50)}.`,
          scheme !== undefined
            ? 'hostName holds a scheme, and nix-darwin prepends one again (ssh://ssh://…).'
            : 'hostName holds a user while sshUser is set too (user@user@host).',
        ),
        detail: `nix-darwin writes each entry's store URI as <protocol>://<sshUser>@<hostName>, so this entry becomes ${uri}, which Nix cannot connect to ("cannot build on ..."). Put only the host in hostName, the user in sshUser and the scheme in protocol.`,
        fixes: fixable
          ? [
              {
                title: fitting(
                  TITLE_LIMIT,
                  `Split it: hostName ${nixString(host ?? '')}${user && !hasUser ? `, sshUser "${user}"` : ''}${scheme === 'ssh' || scheme === 'ssh-ng' ? `, protocol "${scheme}"` : ''}`,
                  'Split it into hostName, sshUser and protocol',
                ),
                isPreferred: true,
                edits,
              },
            ]
          : [],
      });
    }
    return findings;
  },
};
