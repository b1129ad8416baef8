import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootPaths } from '../../../src/probes/rootPaths.js';
import {
  expandGlob,
  hostMatches,
  readConfigChain,
  resolveIncludePath,
  writeRootedSshConfig,
} from '../../../src/probes/sshConfig.js';
import { findExecutable } from '../../util/prerequisites.js';

const BLOCK =
  'Host linux-builder\n  User builder\n  Hostname localhost\n  HostKeyAlias linux-builder\n  Port 31022\n  IdentityFile /etc/nix/builder_ed25519\n';

describe('ssh_config Include logic for root (docs/dev/domain.md#how-nix-connects-to-a-remote-builder)', function () {
  let root: string;
  const write = (rel: string, text: string): void => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };

  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'lbd-sshcfg-'));
    write('etc/ssh/ssh_config.d/100-linux-builder.conf', BLOCK);
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  it('reads the drop-in when the system config Includes ssh_config.d (absolute staged path)', function () {
    write('etc/ssh/ssh_config', `Include ${root}/etc/ssh/ssh_config.d/*\nHost *\n  SendEnv LANG\n`);
    const reading = readConfigChain(rootPaths(root, {}), 'linux-builder');
    assert.equal(reading.blocksRead.length, 1);
    assert.equal(reading.blocksRead[0]?.settings.port, '31022');
    assert.deepEqual(reading.blocksUnread, []);
    assert.ok(reading.systemIncludesDropIns);
  });

  it('a relative Include in the system config is relative to /etc/ssh (macOS and Debian write it so)', function () {
    write('etc/ssh/ssh_config', 'Include ssh_config.d/*.conf\n');
    const reading = readConfigChain(rootPaths(root, {}), 'linux-builder');
    assert.equal(reading.blocksRead.length, 1);
  });

  it('without an Include the Host block is found but not read', function () {
    write('etc/ssh/ssh_config', '# managed by Chef\nHost *\n  ServerAliveInterval 60\n');
    const reading = readConfigChain(rootPaths(root, {}), 'linux-builder');
    assert.deepEqual(reading.blocksRead, [], "Host * is not the builder's block");
    assert.equal(reading.blocksUnread.length, 1);
    assert.equal(reading.blocksUnread[0]?.file, join(root, 'etc/ssh/ssh_config.d/100-linux-builder.conf'));
    assert.equal(reading.systemIncludesDropIns, false);
  });

  it("root's own ~/.ssh/config Include makes the block apply, and is read first", function () {
    write('etc/ssh/ssh_config', 'Host *\n  ServerAliveInterval 60\n');
    write('var/root/.ssh/config', `Include ${root}/etc/ssh/ssh_config.d/100-linux-builder.conf\n`);
    const reading = readConfigChain(rootPaths(root, {}), 'linux-builder');
    assert.equal(reading.blocksRead.length, 1);
    assert.equal(reading.filesRead[0], join(root, 'var/root/.ssh/config'));
    assert.equal(reading.filesRead[2], join(root, 'etc/ssh/ssh_config'));
  });

  it('an Include inside a Host block for another host does not apply', function () {
    write('etc/ssh/ssh_config', `Host github.com\n  Include ${root}/etc/ssh/ssh_config.d/*\n`);
    const reading = readConfigChain(rootPaths(root, {}), 'linux-builder');
    assert.deepEqual(reading.blocksRead, []);
    assert.equal(reading.includes[0]?.conditional, true);
  });

  it('matches OpenSSH host patterns: wildcards, lists and negation', function () {
    assert.ok(hostMatches(['linux-*'], 'linux-builder'));
    assert.ok(hostMatches(['a,linux-builder'], 'linux-builder'));
    assert.ok(hostMatches(['LINUX-BUILDER'], 'linux-builder'));
    assert.equal(hostMatches(['*', '!linux-builder'], 'linux-builder'), false);
    assert.equal(hostMatches(['linux-builder?'], 'linux-builder'), false);
  });

  it('resolves ~ and relative Include paths against the staged root', function () {
    const paths = rootPaths(root, {});
    assert.equal(resolveIncludePath('~/.ssh/extra', 'user', paths), join(root, 'var/root/.ssh/extra'));
    assert.equal(resolveIncludePath('extra', 'user', paths), join(root, 'var/root/.ssh/extra'));
    assert.equal(resolveIncludePath('ssh_config.d/*', 'system', paths), join(root, 'etc/ssh/ssh_config.d/*'));
    assert.equal(
      resolveIncludePath('/abs/path', 'system', paths),
      '/abs/path',
      'absolute paths are used as written',
    );
    assert.deepEqual(expandGlob(join(root, 'etc/ssh/ssh_config.d/*.conf')), [
      join(root, 'etc/ssh/ssh_config.d/100-linux-builder.conf'),
    ]);
  });

  it("the generated -F config makes real ssh -G read root's config before the system config", function () {
    if (findExecutable('ssh') === null) this.skip();
    write('etc/ssh/ssh_config', 'Include ssh_config.d/*\nHost linux-builder\n  Port 2222\n');
    write('var/root/.ssh/config', 'Host linux-builder\n  Port 4444\n');
    const config = writeRootedSshConfig(rootPaths(root, {}), join(root, 'gen'));
    const g = spawnSync('ssh', ['-F', config, '-G', 'linux-builder'], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, /^port 4444$/m, "root's own config wins (read first)");
    assert.match(
      g.stdout,
      /^hostname localhost$/m,
      'the drop-in, reached by a relative Include, still applies',
    );
    assert.match(g.stdout, /^hostkeyalias linux-builder$/m);
    assert.match(
      g.stdout,
      new RegExp(`^userknownhostsfile ${join(root, 'var/root/.ssh/known_hosts')}`, 'm'),
      'staged known_hosts as the default',
    );
  });
});
