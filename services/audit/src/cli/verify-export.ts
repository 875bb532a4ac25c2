/**
 * Offline verifier for an audit export (yrd-audit-export/2, and /1): needs no service, broker or database.
 *   npm run audit:verify -- <export.json> [--trust <trust-list.json | key.jwk>] [--no-witnesses]
 * and of what the public routes answer (cli/public-commands.ts):
 *   npm run audit:verify -- head|inclusion|consistency <file> --trust <trust-list.json> [...]
 * --trust (alias --key): the regional trust list as GET /api/audit/v1/trust-list serves it (or the older
 * map of one JWK per province, read with the default quorum of 2 co-signatures). With it, each head is
 * checked with the key its key id names, valid at its time, and the largest head must carry valid
 * co-signatures of at least the list's quorum of other provinces. A single JWK, or nothing (the export's
 * own keys), cannot check co-signatures: the verdict is FAILED unless --no-witnesses says to check the
 * file on its own.
 * Exit 0: everything asked holds. 1: a check fails (each failing entry is printed), or co-signatures
 * could not be checked without --no-witnesses. 2: a file cannot be read, is not JSON, or holds no usable
 * key. The checks live in src/domain/export-check.ts; docs/audit-format.md describes the bytes.
 */
import { parseTrustAnchors } from '@yrd/auth';
import { checkExport, chooseTrust, type GivenTrust, verdict } from '../domain/export-check.js';
import { readJson } from './files.js';
import { isPublicCommand, runPublicCheck } from './public-commands.js';

const USAGE =
  '用法 usage: npm run audit:verify -- <export.json> [--trust <trust-list.json | key.jwk>] [--no-witnesses]\n' +
  '       npm run audit:verify -- head|inclusion|consistency <file> --trust <trust-list.json> [--record <record.json>] [--from-head <head.json>]';

function main(argv: readonly string[]): number {
  if (isPublicCommand(argv[0])) return runPublicCheck(argv[0], argv.slice(1), USAGE);
  const args = [...argv];
  let trustFile: string | undefined;
  let noWitnesses = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--trust' || a === '--key') {
      if (trustFile !== undefined || args[i + 1] === undefined) return usage();
      trustFile = args[++i];
    } else if (a === '--no-witnesses') {
      noWitnesses = true;
    } else if (a.startsWith('-')) {
      return usage();
    } else {
      files.push(a);
    }
  }
  if (files.length !== 1) return usage();
  const exportFile = files[0]!;
  const doc = readJson(exportFile, '导出文件 export');
  if (!doc.ok) return 2;
  let given: GivenTrust | undefined;
  if (trustFile !== undefined) {
    const trusted = readJson(trustFile, '信任列表 trust list');
    if (!trusted.ok) return 2;
    const read = givenTrust(trusted.value);
    if (!read.ok) {
      console.error(`无法校验 cannot check: ${trustFile}: ${read.reason}`);
      return 2;
    }
    given = read.given;
  }

  const choice = chooseTrust(doc.value, given, { noWitnesses });
  if (!choice.ok) {
    console.error(`无法校验 cannot check: ${choice.reason}`);
    return 2;
  }
  const check = checkExport(doc.value, choice.trust);
  const source =
    choice.source === 'trust-list'
      ? `trust list ${trustFile}`
      : choice.source === 'key'
        ? `key ${trustFile}`
        : 'the export';
  const { pass, lines } = verdict(check, choice, `trusted, from ${source}`, { noWitnesses });
  for (const line of lines) console.log(line);
  return pass ? 0 : 1;
}

function usage(): number {
  console.error(USAGE);
  return 2;
}

/** A public JWK (it has `kty`), else a trust list of either version. */
function givenTrust(v: unknown): { ok: true; given: GivenTrust } | { ok: false; reason: string } {
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'kty' in v) {
    return { ok: true, given: { jwk: v as Record<string, unknown> } };
  }
  try {
    return { ok: true, given: { anchors: parseTrustAnchors(v) } };
  } catch (e) {
    return {
      ok: false,
      reason: `既不是 JWK，也不是信任列表 neither a JWK nor a trust list: ${(e as Error).message.slice(0, 600)}`,
    };
  }
}

process.exitCode = main(process.argv.slice(2));
