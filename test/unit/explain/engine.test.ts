/**
 * The explain engine on the texts of docs/dev/domain.md#what-ssh-and-nix-print that the corpus has no real thread for
 * (both quote styles of nixpkgs' option errors, both base64 wordings of Nix, NixOS-test features),
 * one cause per failure however many lines it prints, and the same answer whatever the chunking.
 */
import assert from 'node:assert/strict';
import { Explainer, explainText } from '../../../src/probes/explain/engine.js';
import { classifyStderr } from '../../../src/probes/stderrClassifier.js';
import { SSH_ENTRIES } from '../../../src/probes/explain/catalogue.js';

function causes(text: string): string[] {
  return explainText(text).problems.map((p) => p.cause);
}

describe('explain engine', function () {
  it('option errors in both quote styles, for the builder only', function () {
    assert.deepEqual(
      causes(
        "error: The option `nix.linux-builder.sshOptions' does not exist. Definition values:\n- In `/nix/store/x-source/darwin.nix': [ ]",
      ),
      ['option-does-not-exist'],
    );
    assert.deepEqual(
      causes(
        "error: The option 'nix.linux-builder.publicHostKey' does not exist. Definition values:\n- In '/nix/store/x-source/darwin.nix': \"c3No\"",
      ),
      ['option-does-not-exist'],
    );
    assert.deepEqual(
      causes(
        "error: The option `services.foo.bar' does not exist. Definition values:\n- In `/etc/nixos/configuration.nix': true",
      ),
      [],
    );
  });

  it('a removed builder option, defined (failed assertion) or read (throw): option-removed, each with its own fix; another removed option is not ours', function () {
    // nixpkgs' mkRemovedOptionModule messages, with the instructions nix-darwin gives
    // (modules/nix/linux-builder.nix, modules/services/nix-gc/default.nix).
    const instructions =
      'This option has been replaced with `nix.linux-builder.config` which allows setting options directly like `nix.linux-builder.config.networking.hostName = "banana";.';
    const defined = `       error:\n       Failed assertions:\n       - The option definition \`nix.linux-builder.modules' in \`/Users/me/darwin/builder.nix' no longer has any effect; please remove it.\n       ${instructions}\n`;
    const read = `       error: The option \`nix.linux-builder.modules' can no longer be used since it's been removed. ${instructions}\n`;
    for (const text of [defined, read]) {
      const { problems } = explainText(text);
      assert.deepEqual(
        problems.map((p) => p.cause),
        ['option-removed'],
        text,
      );
      assert.equal(problems[0]?.option, 'nix.linux-builder.modules');
    }
    // Defined: move it to its replacement. Read: nothing of the user's to delete; inputs out of step.
    assert.match(
      explainText(defined).problems[0]?.fix?.summary ?? '',
      /replaced by nix\.linux-builder\.config/,
    );
    assert.match(
      explainText(read).problems[0]?.fix?.summary ?? '',
      /a module still reads it.*nix flake update/,
    );
    // nix-darwin/nix-darwin#1342's title, as its reporter typed the error (Home Manager reading
    // the nix.enable an older nix-darwin had removed): the read case, with its own fix.
    const reported = explainText(
      "error: The option 'nix.enable' can no longer be used since it's been removed. No 'nix-darwin' equivalent to this NixOS option.",
    ).problems;
    assert.deepEqual(
      reported.map((p) => [p.cause, p.option]),
      [['option-removed', 'nix.enable']],
    );
    assert.match(reported[0]?.fix?.summary ?? '', /a module still reads it/);
    assert.deepEqual(
      causes(
        "       error:\n       Failed assertions:\n       - The option definition `nix.gc.user' in `/nix/store/x-source/hosts/darwin' no longer has any effect; please remove it.\n       The garbage collection service now always runs as `root`.\n",
      ),
      [],
    );
  });

  it('an option inside nix.linux-builder.config is named with the VM context and a fix that moves it', function () {
    const text =
      "       error: The option `sshOptions' does not exist. Definition values:\n       - In `/Users/me/darwin/builder.nix', via option nix.linux-builder.config:\n           [ ]";
    const [problem] = explainText(text).problems;
    assert.equal(problem?.cause, 'option-does-not-exist');
    assert.equal(problem.option, 'sshOptions');
    assert.match(problem.summary, /inside nix\.linux-builder\.config/);
    assert.match(problem.fix?.summary ?? '', /no field for SSH options/);
  });

  it('conflicting memorySize in the VM points at virtualisation.darwin-builder.memorySize', function () {
    const text =
      "error: The option `virtualisation.memorySize' has conflicting definition values:\n- In `/nix/store/x-source/nixos/modules/profiles/nix-builder-vm.nix': 3072\n- In `/Users/me/darwin.nix', via option nix.linux-builder.config: 16384\nUse `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.";
    const [problem] = explainText(text).problems;
    assert.equal(problem?.cause, 'conflicting-definition');
    assert.match(problem.fix?.summary ?? '', /virtualisation\.darwin-builder\.memorySize/);
  });

  it('sshKey given as a path literal: the type error and its true fix', function () {
    const [problem] = explainText(
      "error: A definition for option `nix.buildMachines.\"[definition 1-entry 1]\".sshKey' is not of type `null or string'. Definition values:\n- In `/Users/me/darwin.nix': /Users/me/.ssh/builder",
    ).problems;
    assert.equal(problem?.cause, 'option-type-mismatch');
    assert.match(problem.fix?.summary ?? '', /world-readable/);
  });

  it("Nix's base64 texts before and since 2.25 are the machines file", function () {
    assert.deepEqual(
      causes(
        "error: bad machine specification: a column #7 in a row: 'ssh-ng://builder@linux-builder aarch64-linux - 1 1 - - ssh-ed25519 AAAA' is not valid base64 string",
      ),
      ['machines-file-invalid'],
    );
    assert.deepEqual(
      causes(
        "error: invalid character in Base64 string: ' '\n       … while parsing machine specification at a column #7 in a row: 'ssh-ng://builder@linux-builder'",
      ),
      ['machines-file-invalid'],
    );
  });

  it('NixOS tests asking for {kvm, nixos-test} are missing features, confirmed by test --features', function () {
    const text =
      "error: Cannot build '/nix/store/abc-vm-test-run-foo.drv'.\n       Reason: required system or feature not available\n       Required system: 'aarch64-linux' with features {kvm, nixos-test}\n       Current system: 'aarch64-darwin' with features {apple-virt, benchmark, big-parallel, nixos-test}";
    const [problem] = explainText(text).problems;
    assert.equal(problem?.cause, 'missing-features');
    assert.match(
      problem.fix?.summary ?? '',
      /supportedFeatures = \[ "kvm" "benchmark" "big-parallel" "nixos-test" \]/,
    );
    assert.equal(problem.confirm, 'linux-builder-doctor test --features kvm,nixos-test');
  });

  it('one failure, one cause: a too-open key is named, not the "Permission denied" that follows', function () {
    const text =
      "Load key \"/etc/nix/builder_ed25519\": bad permissions\nbuilder@localhost: Permission denied (publickey).\ncannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'linux-builder'";
    assert.deepEqual(causes(text), ['key-permissions']);
    const mismatch =
      '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nAdd correct host key in /tmp/nix-1234-0/host-key to get rid of this message.\nHost key verification failed.';
    assert.deepEqual(causes(mismatch), ['host-key-mismatch']);
  });

  it('localhost that does not resolve gets the Hostname 127.0.0.1 fix, not the Include one', function () {
    const [problem] = explainText(
      'ssh: Could not resolve hostname localhost: nodename nor servname provided, or not known',
    ).problems;
    assert.match(problem?.fix?.summary ?? '', /Hostname 127\.0\.0\.1/);
    const [other] = explainText(
      'ssh: Could not resolve hostname linux-builder: nodename nor servname provided, or not known',
    ).problems;
    assert.match(other?.fix?.summary ?? '', /100-linux-builder\.conf/);
  });

  it('repeats count as occurrences of one problem, and ANSI colours and CRs are ignored', function () {
    const line =
      "\x1b[31;1merror:\x1b[0m cannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'linux-builder'\r\n";
    const [problem] = explainText(line.repeat(5)).problems;
    assert.equal(problem?.cause, 'ssh-connection-failed');
    assert.equal(problem.occurrences, 5);
    assert.deepEqual(problem.evidence, [
      "error: cannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'linux-builder'",
    ]);
  });

  it('gives the same answer however the stream is cut', function () {
    const text =
      "noise\nerror: Cannot build '/nix/store/abc-nixos-disk-image.drv'.\n       Reason: required system or feature not available\n       Required system: 'aarch64-linux' with features {}\n       Current system: 'aarch64-darwin' with features {nixos-test}\nerror: Unexpected files in /etc, aborting activation\n\n  /etc/nix/machines\n\nmore noise";
    const whole = JSON.stringify(explainText(text).problems);
    for (const size of [1, 3, 7, 50]) {
      const explainer = new Explainer();
      for (let i = 0; i < text.length; i += size) explainer.feed(text.slice(i, i + size));
      assert.equal(JSON.stringify(explainer.finish().problems), whole, `chunks of ${size}`);
    }
    assert.deepEqual(
      explainText(text).problems.map((p) => p.cause),
      ['vm-image-not-cached', 'unmanaged-etc-files'],
    );
  });

  it('the probes classify ssh text with the same catalogue entries explain uses (one classifier)', function () {
    for (const entry of SSH_ENTRIES) {
      const sample = {
        'needs-admin': 'sudo: a password is required',
        'key-missing': 'no such identity: /k: No such file or directory',
        'key-permissions': 'Load key "/k": bad permissions',
        'host-key-mismatch': 'WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!',
        'host-key-unknown': 'Host key verification failed.',
        'hostname-unresolved': 'ssh: Could not resolve hostname b: x',
        'builder-wrong-port': 'ssh: connect to host localhost port 22: Connection refused',
        'builder-down': 'ssh: connect to host localhost port 31022: Connection refused',
        'builder-booting': 'kex_exchange_identification: Connection closed by remote host',
        'builder-unresponsive': 'Connection timed out during banner exchange',
        'auth-rejected': 'b@h: Permission denied (publickey).',
        'remote-nix-missing': 'bash: line 1: nix-daemon: command not found',
        'builder-untrusted': 'error: you are not privileged to build input-addressed derivations',
      }[entry.cause as string];
      assert.ok(sample !== undefined, entry.cause);
      assert.equal(classifyStderr(sample)?.cause, entry.cause, `probes: ${sample}`);
      assert.deepEqual(causes(sample), [entry.cause], `explain: ${sample}`);
    }
  });
});
