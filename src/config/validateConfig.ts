import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import type { Config } from './Config.js';
import { ConfigError } from './ConfigError.js';
import { configWarnings } from './configWarnings.js';
import { loadConfig } from './loadConfig.js';
import { summarizeConfig } from './summarizeConfig.js';

export type ConfigValidation =
  | { ok: true; config: Config; summary: Record<string, unknown>; warnings: string[] }
  | { ok: false; problems: readonly string[]; warnings: string[] };

/** Checks an environment without starting anything. */
export function validateConfig(env: NodeJS.ProcessEnv): ConfigValidation {
  const warnings = configWarnings(env);
  try {
    const config = loadConfig(env);
    return { ok: true, config, summary: summarizeConfig(config), warnings };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems, warnings };
    throw error;
  }
}

/** Prints the result of `validateConfig`; returns the exit code. */
export function runValidateConfigCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  let merged = env;
  const envFileIndex = argv.indexOf('--env-file');
  if (envFileIndex !== -1) {
    const path = argv[envFileIndex + 1];
    if (path === undefined) {
      err('usage: validate-config [--env-file <path>]');
      return 2;
    }
    // Like `node --env-file`: variables already in the environment win over the file.
    merged = { ...parseEnv(readFileSync(path, 'utf8')), ...env };
  }
  const result = validateConfig(merged);
  for (const warning of result.warnings) err(`warning: ${warning}`);
  if (!result.ok) {
    err(`config invalid (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}):`);
    for (const problem of result.problems) err(`  - ${problem}`);
    return 1;
  }
  out('config OK');
  out(JSON.stringify(result.summary, null, 2));
  return 0;
}

const entryScript = process.argv[1];
if (entryScript !== undefined && import.meta.url === pathToFileURL(entryScript).href) {
  process.exitCode = runValidateConfigCli(
    process.argv.slice(2),
    process.env,
    (line) => console.log(line),
    (line) => console.error(line),
  );
}
