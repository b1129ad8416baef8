/**
 * The repair of nix-darwin's builder key must work: create-builder (nixpkgs
 * nixos/modules/profiles/nix-builder-vm.nix) re-installs /etc/nix/builder_ed25519 only when
 * /etc/nix/builder_ed25519.pub differs from `<workingDirectory>/keys/builder_ed25519.pub`, so a
 * bare kickstart leaves a deleted key deleted. The fix removes the .pub first, then restarts.
 */
import assert from 'node:assert/strict';
import { fixFor } from '../../../src/probes/fixes.js';

const KICKSTART = 'sudo launchctl kickstart -k system/org.nixos.linux-builder';

describe("repair of nix-darwin's builder key", function () {
  for (const cause of ['key-missing', 'key-unreadable'] as const) {
    it(`${cause}: removes the .pub before the restart, so create-builder re-installs the pair`, function () {
      const fix = fixFor(cause, { nixDarwin: true, keyPath: '/etc/nix/builder_ed25519' });
      const commands = fix?.commands ?? [];
      const rm = commands.indexOf('sudo rm -f -- /etc/nix/builder_ed25519.pub');
      const kick = commands.indexOf(KICKSTART);
      assert.ok(rm >= 0, JSON.stringify(fix));
      assert.ok(kick > rm, `the restart comes after removing the .pub: ${JSON.stringify(commands)}`);
      assert.match(fix?.summary ?? '', /only when \/etc\/nix\/builder_ed25519\.pub differs/);
      assert.match(fix?.summary ?? '', /\/var\/lib\/linux-builder\/keys/, 'the default working directory');
    });
  }

  it("names the service's own working directory (from its plist) for the copy by hand", function () {
    const fix = fixFor('key-missing', {
      nixDarwin: true,
      keyPath: '/etc/nix/builder_ed25519',
      workingDirectory: '/opt/my builder',
    });
    assert.match(
      fix?.summary ?? '',
      /sudo install -g nixbld -m 600 -- '\/opt\/my builder\/keys\/builder_ed25519' \/etc\/nix\/builder_ed25519/,
    );
  });

  it('key-permissions: chown/chmod back to root-only (that alone repairs it), and says a restart does not', function () {
    const fix = fixFor('key-permissions', { nixDarwin: true, keyPath: '/etc/nix/builder_ed25519' });
    assert.deepEqual(fix?.commands, [
      'sudo chown root:nixbld -- /etc/nix/builder_ed25519',
      'sudo chmod 600 -- /etc/nix/builder_ed25519',
    ]);
    assert.match(fix?.summary ?? '', /Restarting the builder alone does not repair it/);
  });

  it("a key of the user's own entry is not re-installed by nix-darwin: no kickstart offered", function () {
    const fix = fixFor('key-missing', { nixDarwin: true, keyPath: '/var/root/.ssh/my_builder' });
    assert.ok(!(fix?.commands ?? []).includes(KICKSTART), JSON.stringify(fix));
  });
});
