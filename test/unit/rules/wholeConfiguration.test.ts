/**
 * Rules and fixes judged by what the whole configuration gives the Mac (issue 12 items 2–4): a
 * builder that is off is not judged, deliberate local builders are left alone, and every fix is
 * applied and the resulting builders, ports, maxJobs and pins are read back.
 */
import assert from 'node:assert/strict';
import { analyzeNix, configurationFacts } from '../../../src/rules/analyze.js';
import { FactsIndex } from '../../../src/rules/factsIndex.js';
import type { Finding } from '../../../src/protocol/findings.js';
import { applyFix, findings, fixParseError } from '../../util/nixCheck.js';
import { resultingMachines, resultingPins, type ResultingEntry } from '../../util/resultingConfig.js';
import { corpus } from '../../util/corpus.js';
import { expectFindings, expectNone } from './expect.js';

const BUILDER_RULES = [
  'config-needs-bootstrap',
  'x86-needs-emulation',
  'rosetta-unsupported',
  'host-port-mismatch',
];

function codesWith(text: string, ...others: string[]): string[] {
  const index = new FactsIndex();
  others.forEach((other, i) => index.set(`other-${i}.nix`, configurationFacts(other)));
  return analyzeNix(text, { elsewhere: index.elsewhereFor('self.nix') }).findings.map((f) => f.code);
}

/** Applies `fix`, checks that Nix parses the result, and returns it. */
function applied(text: string, finding: Finding, title: RegExp): string {
  const fix = finding.fixes.find((f) => title.test(f.title));
  assert.ok(fix, `no fix matching ${title}: ${finding.fixes.map((f) => f.title).join(' | ')}`);
  const fixed = applyFix(text, fix);
  assert.equal(fixParseError(fixed), null, fixed);
  return fixed;
}

describe('a builder that is off is not judged', () => {
  const customised = (enable: string) =>
    `{ lib, ... }:\n{\n  nix.linux-builder = {\n    enable = ${enable};\n    systems = [ "aarch64-linux" "x86_64-linux" ];\n    config.virtualisation.rosetta.enable = true;\n    config.virtualisation.darwin-builder.hostPort = 31023;\n  };\n}\n`;

  it('enable = false: no builder rule fires', () => {
    const codes = codesWith(customised('false'));
    assert.deepEqual(
      codes.filter((c) => BUILDER_RULES.includes(c)),
      [],
    );
  });

  it('mkDefault false never enabled elsewhere: no builder rule fires', () => {
    assert.deepEqual(
      codesWith(customised('lib.mkDefault false')).filter((c) => BUILDER_RULES.includes(c)),
      [],
    );
  });

  it('mkDefault false here, enabled in another module: judged', () => {
    const codes = codesWith(customised('lib.mkDefault false'), '{ nix.linux-builder.enable = true; }\n');
    for (const rule of BUILDER_RULES) assert.ok(codes.includes(rule), `${rule} missing: ${codes.join(', ')}`);
  });

  it('mkForce false beats a plain true in another module', () => {
    assert.deepEqual(
      codesWith(customised('lib.mkForce false'), '{ nix.linux-builder.enable = true; }\n').filter((c) =>
        BUILDER_RULES.includes(c),
      ),
      [],
    );
  });

  it('enable = true: judged (the rules still fire)', () => {
    const codes = codesWith(customised('true'));
    for (const rule of BUILDER_RULES) assert.ok(codes.includes(rule), `${rule} missing: ${codes.join(', ')}`);
  });
});

describe('deliberate local builders', () => {
  it('hostName "localhost" with protocol = null (Hydra\'s local machine) is no error', () => {
    const text =
      '{\n  nix.buildMachines = [ {\n    hostName = "localhost";\n    protocol = null;\n    systems = [ "x86_64-linux" "aarch64-linux" ];\n    maxJobs = 8;\n  } ];\n}\n';
    expectNone(text, 'localhost-skips-ssh');
    expectNone(text, 'localhost-no-port');
  });

  it("localhost for this Mac's own systems only is no error", () => {
    expectNone(
      '{\n  nix.buildMachines = [ {\n    hostName = "localhost";\n    systems = [ "aarch64-darwin" "x86_64-darwin" ];\n  } ];\n}\n',
      'localhost-skips-ssh',
    );
    expectNone(
      '{\n  nix.buildMachines = [ {\n    hostName = "localhost";\n    sshUser = "me";\n    system = "aarch64-darwin";\n  } ];\n}\n',
      'localhost-no-port',
    );
  });

  it('localhost with darwin and Linux systems is flagged, but no fix sends darwin jobs to the VM', () => {
    const text =
      '{\n  nix.linux-builder.enable = true;\n  nix.buildMachines = [ {\n    hostName = "localhost";\n    systems = [ "aarch64-darwin" "aarch64-linux" ];\n  } ];\n}\n';
    const [hit] = expectFindings(text, 'localhost-skips-ssh', [4]);
    assert.deepEqual(hit.fixes, []);
  });

  it('nix.buildMachines = lib.mkForce [ ] does not count as builders configured', () => {
    const [hit] = expectFindings(
      '{ lib, ... }:\n{\n  nix.buildMachines = lib.mkForce [ ];\n  nix.distributedBuilds = false;\n}\n',
      'distributed-builds-off',
      [4],
    );
    assert.doesNotMatch(`${hit.message} ${hit.detail ?? ''}`, /your nix\.buildMachines entries/);
    assert.match(
      hit.detail ?? '',
      /if this configuration enables nix\.linux-builder or declares nix\.buildMachines/,
    );
  });
});

describe('fixes judged by what the whole configuration gives the Mac', () => {
  it('no "linux-builder" alias when nix.linux-builder is not enabled: 127.0.0.1:31022, pinned in the darwin module', () => {
    const text =
      '{\n  nix.buildMachines = [ {\n    hostName = "localhost";\n    sshUser = "builder";\n    systems = [ "aarch64-linux" ];\n    maxJobs = 4;\n  } ];\n}\n';
    const [hit] = expectFindings(text, 'localhost-no-port', [3]);
    assert.ok(
      hit.fixes.every((f) => !/"linux-builder"/.test(f.title)),
      hit.fixes.map((f) => f.title).join(' | '),
    );
    const fixed = applied(text, hit, /127\.0\.0\.1:31022/);
    assert.deepEqual(
      resultingMachines(fixed).map((e) => [e.hostName, e.port, e.sshUser, e.maxJobs]),
      [['127.0.0.1:31022', 31022, 'builder', 4]],
    );
    assert.deepEqual(resultingPins(fixed), [{ hostNames: ['[127.0.0.1]:31022'], inNixosModule: false }]);
  });

  it("with nix.linux-builder enabled the alias is offered first, and the port fix uses the VM's configured port", () => {
    const text =
      '{ lib, ... }:\n{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config.virtualisation.darwin-builder.hostPort = 31023;\n  environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text = lib.mkForce "Host linux-builder\\n  Port 31023\\n";\n  nix.buildMachines = [ {\n    hostName = "127.0.0.1";\n    sshUser = "builder";\n    systems = [ "aarch64-linux" ];\n  } ];\n}\n';
    const [hit] = expectFindings(text, 'localhost-no-port', [7]);
    assert.ok(hit.fixes[0]?.isPreferred && /"linux-builder"/.test(hit.fixes[0].title));
    assert.equal(hit.related?.[0]?.range.start.line, 3);
    const alias = applied(text, hit, /"linux-builder"/);
    assert.deepEqual(
      resultingMachines(alias).map((e) => e.hostName),
      ['linux-builder'],
    );
    const ported = applied(text, hit, /127\.0\.0\.1:31023/);
    assert.deepEqual(
      resultingMachines(ported).map((e) => [e.hostName, e.port]),
      [['127.0.0.1:31023', 31023]],
    );
    assert.deepEqual(resultingPins(ported), [{ hostNames: ['[127.0.0.1]:31023'], inNixosModule: false }]);
  });

  // The nixpkgs manual's own darwin-builder: a NixOS VM in a `let`, forwarding host port 22.
  const ownVm = (port: number, entry: string) =>
    `{ pkgs, lib, nixpkgs, ... }:\nlet\n  builder = nixpkgs.lib.nixosSystem {\n    system = "aarch64-linux";\n    modules = [\n      "\${nixpkgs}/nixos/modules/profiles/nix-builder-vm.nix"\n      {\n        virtualisation.host.pkgs = pkgs;\n        virtualisation.darwin-builder.hostPort = ${port};\n      }\n    ];\n  };\nin\n{\n  nix.distributedBuilds = true;\n  nix.buildMachines = [ {\n${entry}\n  } ];\n}\n`;

  it("a VM of the user's own on host port 22: localhost with a user is right", () => {
    const text = ownVm(
      22,
      '    hostName = "localhost";\n    sshUser = "builder";\n    system = "aarch64-linux";\n    maxJobs = 4;',
    );
    expectNone(text, 'localhost-no-port');
  });

  it("a VM of the user's own on another port: the fix uses that port and pins in the darwin module, not the VM's NixOS module", () => {
    const text = ownVm(
      2222,
      '    hostName = "localhost";\n    sshUser = "builder";\n    system = "aarch64-linux";\n    maxJobs = 4;',
    );
    const [hit] = expectFindings(text, 'localhost-no-port', [17]);
    assert.match(hit.message, /port 2222/);
    const fixed = applied(text, hit, /127\.0\.0\.1:2222/);
    assert.deepEqual(
      resultingMachines(fixed).map((e) => [e.hostName, e.port, e.maxJobs]),
      [['127.0.0.1:2222', 2222, 4]],
    );
    assert.deepEqual(resultingPins(fixed), [{ hostNames: ['[127.0.0.1]:2222'], inNixosModule: false }]);
  });

  it('localhost without a user next to a VM on port 22: 127.0.0.1 with the user, no port', () => {
    const text = ownVm(22, '    hostName = "localhost";\n    system = "aarch64-linux";');
    const [hit] = expectFindings(text, 'localhost-skips-ssh', [17]);
    const fixed = applied(text, hit, /127\.0\.0\.1/);
    assert.deepEqual(
      resultingMachines(fixed).map((e) => [e.hostName, e.sshUser]),
      [['127.0.0.1', 'builder']],
    );
    assert.deepEqual(resultingPins(fixed), [{ hostNames: ['127.0.0.1'], inNixosModule: false }]);
  });

  it('findings of a configuration never name Apple silicon or linux-builder where the config does not say so', () => {
    const text =
      '{\n  nix.buildMachines = [ { hostName = "localhost"; sshUser = "b"; systems = [ "x86_64-linux" ]; } ];\n}\n';
    for (const f of findings(text)) assert.doesNotMatch(f.message, /linux-builder"|Apple silicon/, f.message);
  });
});

describe('the builder package and the Mac decide which system the VM emulates', () => {
  const builder = (extra: string, systems: string) =>
    `{ pkgs, ... }:\n{\n  nix.linux-builder = {\n    enable = true;\n${extra}    systems = ${systems};\n  };\n}\n`;
  const emulatedAfter = (text: string, finding: Finding): string[] => {
    const fixed = applied(text, finding, /emulatedSystems/);
    return [...fixed.matchAll(/emulatedSystems = \[ ([^\]]*) \]/g)].map((m) => (m[1] ?? '').trim());
  };

  it('linux-builder-vz (Rosetta): no x86 or Rosetta warning', () => {
    const text = builder(
      '    package = pkgs.darwin.linux-builder-vz;\n    config.virtualisation.rosetta.enable = true;\n',
      '[ "aarch64-linux" "x86_64-linux" ]',
    );
    expectNone(text, 'x86-needs-emulation');
    expectNone(text, 'rosetta-unsupported');
  });

  it('linux-builder-x86_64: the VM is x86_64-linux, so aarch64-linux is what needs emulation', () => {
    const text = builder(
      '    package = pkgs.darwin.linux-builder-x86_64;\n',
      '[ "x86_64-linux" "aarch64-linux" ]',
    );
    const [hit] = expectFindings(text, 'x86-needs-emulation', [6]);
    assert.match(hit.message, /x86_64-linux with linux-builder-x86_64/);
    assert.deepEqual(emulatedAfter(text, hit), ['"aarch64-linux"']);
  });

  it('an Intel Mac (nixpkgs.hostPlatform): aarch64-linux needs emulation, x86_64-linux does not', () => {
    const text = builder('', '[ "x86_64-linux" "aarch64-linux" ]').replace(
      '{\n  nix.linux-builder',
      '{\n  nixpkgs.hostPlatform = "x86_64-darwin";\n  nix.linux-builder',
    );
    const [hit] = expectFindings(text, 'x86-needs-emulation', [6]);
    assert.match(hit.message, /on an Intel Mac/);
    assert.doesNotMatch(hit.detail ?? '', /linux-builder-x86_64/, 'an x86_64 VM does not help aarch64-linux');
    assert.deepEqual(emulatedAfter(text, hit), ['"aarch64-linux"']);
    expectNone(
      builder('', '[ "x86_64-linux" ]').replace(
        '{\n  nix.linux-builder',
        '{\n  nixpkgs.hostPlatform = "x86_64-darwin";\n  nix.linux-builder',
      ),
      'x86-needs-emulation',
    );
  });

  it('Apple silicon: x86_64-linux alone is flagged too', () => {
    const text = builder('', '[ "x86_64-linux" ]').replace(
      '{\n  nix.linux-builder',
      '{\n  nixpkgs.hostPlatform = "aarch64-darwin";\n  nix.linux-builder',
    );
    const [hit] = expectFindings(text, 'x86-needs-emulation', [6]);
    assert.match(hit.detail ?? '', /linux-builder-x86_64.*linux-builder-vz/);
    assert.deepEqual(emulatedAfter(text, hit), ['"x86_64-linux"']);
  });

  it('the Mac not in the configuration: the message says what depends on it instead of asserting Apple silicon', () => {
    const [hit] = expectFindings(
      builder('', '[ "aarch64-linux" "x86_64-linux" ]'),
      'x86-needs-emulation',
      [5],
    );
    assert.doesNotMatch(hit.message, /^On Apple silicon/);
    assert.match(hit.message, /on Apple silicon\)/);
  });

  it('Rosetta on an x86_64-linux VM: the fix removes it and emulates nothing', () => {
    const text = builder(
      '    package = pkgs.darwin.linux-builder-x86_64;\n    config.virtualisation.rosetta.enable = true;\n',
      '[ "x86_64-linux" ]',
    );
    const [hit] = expectFindings(text, 'rosetta-unsupported', [6]);
    const fixed = applied(text, hit, /./);
    assert.doesNotMatch(fixed, /rosetta|emulatedSystems/);
  });
});

describe("the ssh-options builder entry gives the Mac what nix-darwin's own entry would", () => {
  const analysed = (text: string, ...others: string[]): Finding[] => {
    const index = new FactsIndex();
    others.forEach((other, i) => index.set(`other-${i}.nix`, configurationFacts(other)));
    return analyzeNix(text, { elsewhere: index.elsewhereFor('self.nix') }).findings;
  };
  const sshOptionsFinding = (text: string, ...others: string[]): Finding => {
    const hit = analysed(text, ...others).find((f) => f.code === 'ssh-options');
    assert.ok(hit, 'no ssh-options finding');
    return hit;
  };

  it("keeps other modules' builders (no mkForce), the user's maxJobs, systems and the VM's port; pins in the darwin module", () => {
    const text =
      '{ config, ... }:\n{\n  nix.linux-builder = {\n    enable = true;\n    maxJobs = 6;\n    systems = [ "aarch64-linux" ];\n    config.virtualisation.darwin-builder.hostPort = 31023;\n    config.sshOptions = [ "-p" "31022" ];\n  };\n}\n';
    const other =
      '{\n  nix.buildMachines = [ { hostName = "big-box"; sshUser = "me"; systems = [ "x86_64-linux" ]; maxJobs = 32; } ];\n}\n';
    const fixed = applied(text, sshOptionsFinding(text, other), /127\.0\.0\.1/);
    assert.deepEqual(
      resultingMachines(fixed).map((e) => [
        e.hostName,
        e.port,
        e.sshUser,
        e.maxJobs,
        e.systems,
        e.listPriority,
      ]),
      [['127.0.0.1:31023', 31023, 'builder', 6, ['aarch64-linux'], 'normal']],
    );
    // The other module's list keeps its builder: both lists are plain definitions, and they merge.
    assert.deepEqual(
      resultingMachines(other).map((e) => [e.hostName, e.listPriority]),
      [['big-box', 'normal']],
    );
    assert.deepEqual(resultingPins(fixed), [{ hostNames: ['[127.0.0.1]:31023'], inNixosModule: false }]);
  });

  it("maxJobs follows the VM's cores and systems the Mac's architecture when they are not set", () => {
    const text =
      '{\n  nixpkgs.hostPlatform = "x86_64-darwin";\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config.virtualisation.cores = 4;\n  nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n}\n';
    const fixed = applied(text, sshOptionsFinding(text), /127\.0\.0\.1/);
    assert.deepEqual(
      resultingMachines(fixed).map((e) => [e.hostName, e.maxJobs, e.systems]),
      [['127.0.0.1:31022', 4, ['x86_64-linux']]],
    );
  });

  it("a maxJobs we cannot read is taken from nix-darwin's option, not reset to 1", () => {
    const text =
      '{ config, lib, ... }:\n{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.maxJobs = lib.max 2 4;\n  nix.linux-builder.systems = [ "aarch64-linux" ];\n  nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n}\n';
    const fixed = applied(text, sshOptionsFinding(text), /127\.0\.0\.1/);
    assert.match(fixed, /maxJobs = config\.nix\.linux-builder\.maxJobs;/);
    assert.doesNotMatch(fixed, /maxJobs = 1;/);
  });

  it('the maxJobs of another module counts too', () => {
    const text =
      '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.systems = [ "aarch64-linux" ];\n  nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n}\n';
    const fixed = applied(
      text,
      sshOptionsFinding(text, '{ nix.linux-builder.maxJobs = 8; }\n'),
      /127\.0\.0\.1/,
    );
    assert.deepEqual(
      resultingMachines(fixed).map((e) => e.maxJobs),
      [8],
    );
  });
});

describe('definitions that never apply are not judged', () => {
  it('a builder inside lib.mkIf false gets no finding (corpus: tomasharkema)', () => {
    const text =
      '{ lib, ... }:\n{\n  nix = lib.mkIf false {\n    linux-builder = {\n      enable = true;\n      config.virtualisation.cores = 4;\n      systems = [ "x86_64-linux" "aarch64-linux" ];\n    };\n  };\n}\n';
    assert.deepEqual(codesWith(text), []);
  });

  it('if false then … else v: only v applies', () => {
    const text =
      '{\n  nix.linux-builder = if false then { enable = true; config.virtualisation.cores = 4; } else { enable = false; };\n}\n';
    assert.deepEqual(codesWith(text), []);
  });

  it('mkIf with a real condition is still judged', () => {
    const text =
      '{ lib, cond, ... }:\n{\n  nix = lib.mkIf cond {\n    linux-builder = {\n      enable = true;\n      config.virtualisation.cores = 4;\n    };\n  };\n}\n';
    assert.ok(codesWith(text).includes('config-needs-bootstrap'));
  });
});

describe('every fix keeps what the Mac gets apart from what it says it changes', () => {
  /** What each rule's fixes may change in an entry (everything else must stay as it was). */
  const MAY_CHANGE: Record<string, (keyof ResultingEntry)[]> = {
    'localhost-no-port': ['hostName', 'port'],
    'localhost-skips-ssh': ['hostName', 'port', 'sshUser'],
    'host-name-has-scheme': ['hostName', 'port', 'sshUser', 'protocol'],
    'invalid-system': ['systems'],
    // Moves a misnamed field to its real name (user → sshUser); retypes a literal ("4" → 4).
    'unknown-option': ['sshUser'],
    'type-mismatch': ['maxJobs', 'systems', 'protocol', 'sshUser'],
  };

  it('over every fixture: no fix drops, adds or forces builders, or changes a field it does not own', () => {
    let checked = 0;
    for (const { name, text } of corpus()) {
      if (!text.includes('buildMachines')) continue;
      const before = resultingMachines(text);
      for (const finding of findings(text)) {
        for (const fix of finding.fixes) {
          const fixed = applyFix(text, fix);
          const after = resultingMachines(fixed);
          const where = `${name}: [${finding.code}] ${fix.title}`;
          // ssh-options may add its one 127.0.0.1 entry; nothing else adds or removes one.
          const added = finding.code === 'ssh-options' && /add builder/.test(fix.title) ? 1 : 0;
          assert.equal(after.length, before.length + added, where);
          assert.ok(
            after.every(
              (e) => e.listPriority === 'normal' || before.some((b) => b.listPriority === e.listPriority),
            ),
            `${where}: a list priority appeared (mkForce drops other modules' builders)`,
          );
          if (added || after.length !== before.length) continue;
          const owned = MAY_CHANGE[finding.code] ?? [];
          before.forEach((b, i) => {
            for (const field of ['hostName', 'port', 'sshUser', 'maxJobs', 'systems', 'protocol'] as const) {
              if (owned.includes(field)) continue;
              assert.deepEqual(after[i]?.[field], b[field], `${where}: ${field} changed`);
            }
          });
          checked++;
        }
      }
    }
    assert.ok(checked > 10, `only ${checked} fixes checked`);
  });
});
