/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** What `explain -` reads. */
  stdin?: NodeJS.ReadableStream;
}

export const USAGE = `usage: linux-builder-doctor <command> [options]

  check [--format text|json] [--fix] [--disable-rule ID]... PATH...
                                          check .nix files or folders for builder configuration mistakes
                                          (--disable-rule: skip that rule; repeat for several;
                                          --fix: apply the preferred fixes that are safe together,
                                          in place, say what changed, then print what remains)
  explain [--format text|json] [--config DIR] [FILE|-]
                                          read darwin-rebuild/nix/ssh/CI output (stdin by default) and
                                          name each builder problem in it with its cause and fix;
                                          --config DIR points option errors at the file and line
  probe [--format text|json] [--root DIR [--trust-root]] [--only ID,...] [--timeout-ms N]
        [--builder HOST] [--no-redact]
                                          probe this machine's builder chain; name the one root cause
                                          (output is redacted like the report; --no-redact shows raw
                                          values, for debugging on your own machine only)
  test  [--system SYSTEM] [--features F,...] [--root DIR [--trust-root]] [--timeout-ms N]
                                          run a real test build that must go to the Linux builder;
                                          --features makes it require those system features
                                          (e.g. kvm,nixos-test: what NixOS tests need)
  report [--root DIR [--trust-root]] [--timeout-ms N] [--builder HOST]
                                          print a Markdown doctor report for a bug report (always
                                          redacted: secrets, other users' names and homes are hidden)

--root DIR reads another machine's files staged under DIR as data: when they hold settings that run
commands (ssh Match exec, ProxyCommand, LocalCommand, KnownHostsCommand, NIX_SSHOPTS, nix.conf hooks),
ssh and nix are not run on them unless --trust-root is given. --timeout-ms N bounds the whole run;
--builder HOST checks the chain for that builder (its machines entry, else the host alone) instead of
the first SSH builder for a Linux system.

Exit codes: 0 all good, 1 problems found, 2 usage or I/O error.
check: a file or folder that cannot be read is reported on stderr ("skipped PATH: why") and the rest is
checked; exit 2 only when a named path does not exist or nothing could be read. Symlinked modules are
followed (each real file once); names with control characters are printed quoted and escaped.
`;
