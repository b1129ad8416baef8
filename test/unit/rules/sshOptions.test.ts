import assert from 'node:assert/strict';
import { findings } from '../../util/nixCheck.js';
import { readSshOptions } from '../../../src/rules/all/sshOptions.js';
import { expectFindings, expectFixesWork } from './expect.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../util/paths.js';
import { itemAt } from '../../util/itemAt.js';

/** The configuration from the user's report, as the parser tests use it too. */
const REPORT = readFileSync(join(fixturesDir, 'nix', 'userReport.nix'), 'utf8');

describe('rule ssh-options', () => {
  it('flags sshOptions inside nix.linux-builder.config, as in the incident report', () => {
    const [hit] = expectFindings(REPORT, 'ssh-options', [8]);
    assert.match(hit.message, /^sshOptions is not an option/);
    assert.match(hit.detail ?? '', /VM's own NixOS configuration/);
    assert.equal(hit.severity, 'error');
  });

  it('flags sshOptions directly under nix.linux-builder, dotted', () => {
    expectFindings('{ nix.linux-builder.sshOptions = [ "-p" "31022" ]; }\n', 'ssh-options', [1]);
  });

  it('offers removal (preferred), protocol = "ssh", and a 127.0.0.1 builder entry, all of which parse and clear the finding', () => {
    const [hit] = expectFindings(REPORT, 'ssh-options', [8]);
    assert.equal(hit.fixes.length, 3);
    assert.equal(hit.fixes.filter((f) => f.isPreferred).length, 1);
    assert.equal(itemAt(hit.fixes, 0).title, 'Remove sshOptions');
    assert.match(itemAt(hit.fixes, 2).title, /Nix 2\.31/);
    const [removed, viaProtocol, viaMachines] = expectFixesWork(REPORT, 'ssh-options', 3);
    assert.doesNotMatch(removed, /sshOptions =/);
    assert.match(viaProtocol, /protocol = "ssh";/);
    assert.match(
      viaMachines,
      /hostName = "127\.0\.0\.1:31022";/,
      '127.0.0.1: Nix 2.31.0–2.31.2 build locally for any localhost host',
    );
    assert.doesNotMatch(viaMachines, /mkForce/, "a forced list would drop other modules' builders");
    assert.match(viaMachines, /"\[127\.0\.0\.1\]:31022"/);
  });

  it('takes user and key of the declared builder from the sshOptions, the port from the VM', () => {
    const text = REPORT.replace('"31022"', '"31023"').replace('"-l" "builder"', '"-o" "User=vmuser"');
    const fix = itemAt(findings(text).find((f) => f.code === 'ssh-options')?.fixes, 2);
    const inserted = fix.edits.map((e) => e.newText).join('\n');
    assert.match(
      inserted,
      /127\.0\.0\.1:31022/,
      'the VM listens on its hostPort (31022 here), whatever -p says',
    );
    assert.match(inserted, /sshUser = "vmuser"/);
  });

  it('reads -p/-l/-i and -o Key=Value forms', () => {
    assert.deepEqual(readSshOptions(['-p', '2222', '-l', 'me', '-i', '/k']), {
      port: 2222,
      user: 'me',
      key: '/k',
    });
    assert.deepEqual(readSshOptions(['-oPort=2200', '-o', 'IdentityFile=/x', '-o', 'User root']), {
      port: 2200,
      key: '/x',
      user: 'root',
    });
  });

  it('flags sshOptions in a nix.buildMachines entry, with removal only', () => {
    const text =
      '{\n  nix.buildMachines = [ {\n    hostName = "linux-builder";\n    sshOptions = [ "-p" "22" ];\n  } ];\n}\n';
    const [hit] = expectFindings(text, 'ssh-options', [4]);
    assert.equal(hit.fixes.length, 1);
    expectFixesWork(text, 'ssh-options');
  });
});
