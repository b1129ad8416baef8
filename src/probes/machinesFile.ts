/**
 * Parser for Nix's machines format (`/etc/nix/machines`, or the inline `builders` setting), mirroring
 * NixOS/nix src/libstore/machines.cc (read, not copied): entries separated by newlines or `;`,
 * `#` starts a comment, whitespace-separated columns, `-` or a missing column means the default.
 * Columns: 0 store URI, 1 systems, 2 ssh key, 3 maxJobs, 4 speedFactor, 5 supported features,
 * 6 mandatory features, 7 base64 public host key (validated at parse time, docs/dev/domain.md#the-machines-file-and-buildmachines).
 */

export interface MachineEntry {
  /** 1-based line of the file the entry came from. */
  line: number;
  raw: string;
  uri: string;
  /** 'ssh-ng' | 'ssh' for remote builders; anything else Nix treats as a store URI we do not probe. */
  scheme: string;
  user?: string;
  host: string;
  /** Only accepted by Nix 2.31+ (docs/dev/domain.md#how-nix-connects-to-a-remote-builder). */
  port?: number;
  systems: string[];
  sshKey?: string;
  maxJobs: number;
  speedFactor: number;
  supportedFeatures: string[];
  mandatoryFeatures: string[];
  publicHostKeyBase64?: string;
  /** The decoded host key line, `ssh-ed25519 AAAA… comment`, when column 7 is valid. */
  publicHostKey?: string;
  /** Why column 7 is unusable, when it is. */
  publicHostKeyProblem?: string;
}

export interface MachinesParseError {
  line: number;
  message: string;
}

export interface MachinesParse {
  entries: MachineEntry[];
  errors: MachinesParseError[];
}

/** Nix rejects only characters outside the base64 alphabet (`=` padding included); a missing pad or an
 *  odd length is tolerated (docs/dev/domain.md#the-machines-file-and-buildmachines). */
const BASE64 = /^[A-Za-z0-9+/=]*$/;

/** The first character Nix's base64 decoder rejects, if any. */
function invalidBase64Character(text: string): string | undefined {
  return /[^A-Za-z0-9+/=]/.exec(text)?.[0];
}
/** A public key line as OpenSSH writes it: key type, base64 blob, optional comment. */
const KEY_LINE =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+AAAA[A-Za-z0-9+/]+=*(\s.*)?$/;

function column(columns: string[], index: number): string | undefined {
  const value = columns[index];
  return value === undefined || value === '' || value === '-' ? undefined : value;
}

function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').filter((s) => s !== '');
}

/** Split a store URI into scheme, user, host and port. Nix prepends `ssh://` when there is no scheme. */
export function parseStoreUri(uri: string): { scheme: string; user?: string; host: string; port?: number } {
  const withScheme = uri.includes('://') ? uri : `ssh://${uri}`;
  const schemeEnd = withScheme.indexOf('://');
  const scheme = withScheme.slice(0, schemeEnd);
  const authority = withScheme.slice(schemeEnd + 3).split(/[?/]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  const user = at >= 0 ? authority.slice(0, at) : undefined;
  let hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (bracketed) {
    hostPort = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else {
    const colon = /^([^:]+):(\d+)$/.exec(hostPort);
    if (colon) {
      hostPort = colon[1] ?? '';
      port = Number(colon[2]);
    }
  }
  return {
    scheme,
    ...(user !== undefined && user !== '' ? { user } : {}),
    host: hostPort,
    ...(port !== undefined ? { port } : {}),
  };
}

/** Decode column 7 and say what is wrong with it, in the words a user can act on (docs/dev/domain.md#the-machines-file-and-buildmachines). */
export function decodePublicHostKey(base64: string): { key?: string; problem?: string } {
  if (!BASE64.test(base64)) {
    return {
      problem: `'${base64}' is not valid base64: '${invalidBase64Character(base64) ?? ''}' is no base64 character (publicHostKey must be base64 of the whole 'ssh-ed25519 AAAA… comment' line)`,
    };
  }
  const decoded = Buffer.from(base64, 'base64').toString('utf8').trim();
  if (!KEY_LINE.test(decoded)) {
    return {
      problem:
        'publicHostKey does not decode to an OpenSSH public key line: it must be base64 of the WHOLE line ' +
        "'ssh-ed25519 AAAA… comment' (base64 -w0 key.pub; on macOS base64 -i key.pub), not of the bare AAAA… blob",
    };
  }
  return { key: decoded };
}

export function parseMachines(text: string): MachinesParse {
  const entries: MachineEntry[] = [];
  const errors: MachinesParseError[] = [];
  text.split('\n').forEach((fileLine, index) => {
    const lineNo = index + 1;
    const uncommented = fileLine.replace(/#.*$/, '');
    for (const part of uncommented.split(';')) {
      const raw = part.trim();
      if (raw === '') continue;
      const columns = raw.split(/\s+/);
      const uri = columns[0] ?? '';
      const numberColumn = (i: number, fallback: number): number => {
        const value = column(columns, i);
        if (value === undefined) return fallback;
        if (!/^\d+$/.test(value)) {
          errors.push({
            line: lineNo,
            message: `bad machine specification: failed to convert column #${i} in a row: '${raw}' to 'unsigned int'`,
          });
          return fallback;
        }
        return Number(value);
      };
      const parsedUri = parseStoreUri(uri);
      const entry: MachineEntry = {
        line: lineNo,
        raw,
        uri,
        ...parsedUri,
        systems: list(column(columns, 1)),
        maxJobs: numberColumn(3, 1),
        speedFactor: numberColumn(4, 1),
        supportedFeatures: list(column(columns, 5)),
        mandatoryFeatures: list(column(columns, 6)),
      };
      const key = column(columns, 2);
      if (key !== undefined) entry.sshKey = key;
      const hostKey = column(columns, 7);
      if (hostKey !== undefined) {
        entry.publicHostKeyBase64 = hostKey;
        const decoded = decodePublicHostKey(hostKey);
        if (decoded.key !== undefined) entry.publicHostKey = decoded.key;
        if (decoded.problem !== undefined) {
          entry.publicHostKeyProblem = decoded.problem;
          const bad = invalidBase64Character(hostKey);
          if (bad !== undefined) {
            // Nix refuses the whole machines file at parse time (machines.cc); the text changed in 2.25.
            errors.push({
              line: lineNo,
              message: `invalid character in Base64 string: '${bad}' (while parsing machine specification at a column #7 in a row: '${raw}'; Nix 2.24 and older: "is not valid base64 string")`,
            });
          }
        }
      }
      // Columns after the eighth are ignored by Nix, not an error (docs/dev/domain.md#the-machines-file-and-buildmachines).
      entries.push(entry);
    }
  });
  return { entries, errors };
}

/** Whether an entry is a builder Nix reaches over SSH (the chain these probes check). */
export function isSshBuilder(entry: MachineEntry): boolean {
  return entry.scheme === 'ssh' || entry.scheme === 'ssh-ng';
}
