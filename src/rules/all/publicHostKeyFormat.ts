/**
 * `public-host-key-format`: `publicHostKey` must be base64 of the WHOLE host key line
 * (`ssh-ed25519 AAAA… comment`). A character outside the base64 alphabet stops Nix at parse time (Nix 2.25+:
 * "invalid character in Base64 string"; up to 2.24: "is not valid base64 string"; padding and length are not judged);
 * base64 of the bare AAAA… blob decodes to binary and ends in "Host key verification failed."; the
 * plain line has spaces, which are no base64 (docs/dev/domain.md#the-machines-file-and-buildmachines). We decode it and compute the right value.
 */
import { nixString } from '../../nix/print.js';
import { publicHostKeyOf } from '../builderEntry.js';
import { stringValue, type OffsetFix, type Rule, type RuleFinding } from '../rule.js';

const KEY_LINE =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;
/** The alphabet only: Nix rejects invalid characters, not a missing pad or an odd length. */
const BASE64 = /^[A-Za-z0-9+/=]+$/;
/** The SSH wire format starts with the length-prefixed key type, e.g. "\0\0\0\x0bssh-ed25519". */
const BLOB_PREFIX = /^AAAA[A-Za-z0-9+/]/;

interface Verdict {
  /** One sentence for the diagnostic (≤ 120 characters). */
  summary: string;
  /** The longer explanation. */
  problem: string;
  corrected?: string;
}

export function judgePublicHostKey(raw: string): Verdict | undefined {
  const value = raw.trim();
  if (KEY_LINE.test(value)) {
    return {
      summary: 'publicHostKey is the plain key line, not base64 of it, so Nix rejects the machines file.',
      problem:
        'this is the plain key line, not base64 of it (its spaces are no base64, so Nix rejects the machines file)',
      corrected: publicHostKeyOf(value),
    };
  }
  if (!BASE64.test(value)) {
    return {
      summary: 'publicHostKey is not valid base64, so Nix rejects the machines file.',
      problem:
        'this is not valid base64: Nix rejects the machines file ("invalid character in Base64 string"; before Nix 2.25 "… is not valid base64 string")',
    };
  }
  if (BLOB_PREFIX.test(value)) {
    const blob = Buffer.from(value, 'base64');
    const typeLength = blob.readUInt32BE(0);
    const type = blob.subarray(4, 4 + typeLength).toString('latin1');
    if (/^(ssh-|ecdsa-|sk-)/.test(type)) {
      return {
        summary:
          'publicHostKey is base64 of the bare key, not of the whole line: host key verification fails.',
        problem: `this is the bare key blob (the AAAA… part of a ${type} key), not base64 of the whole line: it decodes to binary, and ssh fails with "Host key verification failed."`,
        corrected: publicHostKeyOf(`${type} ${value}`),
      };
    }
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8').trim();
  if (!KEY_LINE.test(decoded)) {
    return {
      summary: `publicHostKey decodes to "${decoded.slice(0, 24).replace(/[^\x20-\x7e]/g, '?')}…", which is no host key line.`,
      problem: `it decodes to "${decoded.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')}…", which is no "ssh-ed25519 AAAA…" key line`,
    };
  }
  return undefined;
}

export const publicHostKeyFormatRule: Rule = {
  id: 'public-host-key-format',
  severity: 'error',
  reads: [['*', 'buildMachines']],
  docs: 'docs/rules/public-host-key-format.md',
  summary:
    '`publicHostKey` that is not base64 of the whole key line (bare blob, plain line, invalid base64); computes the right value',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      if (def.path[1] !== 'buildMachines' || def.path[def.path.length - 1] !== 'publicHostKey') continue;
      const value = stringValue(def);
      if (value === undefined) continue;
      const verdict = judgePublicHostKey(value);
      if (!verdict) continue;
      const fixes: OffsetFix[] = verdict.corrected
        ? [
            {
              title: 'Replace with base64 of the whole key line',
              isPreferred: true,
              edits: [
                { from: def.value.span.from, to: def.value.span.to, newText: nixString(verdict.corrected) },
              ],
            },
          ]
        : [];
      findings.push({
        span: def.value.span,
        severity: 'error',
        message: verdict.summary,
        detail: `publicHostKey must be base64 of the whole "ssh-ed25519 AAAA… comment" line (base64 -w0 key.pub; on macOS base64 -i key.pub), but ${verdict.problem}.`,
        fixes,
      });
    }
    return findings;
  },
};
