import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { parseConfig, type WardenConfig } from '../../domain/config';
import { ConfigError } from '../../domain/errors';

/** Reads `--config FILE`: the same configuration as the Lambdas, as JSON or YAML. */
export async function configFromFile(path: string): Promise<WardenConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}`, { cause: error });
  }
  return parseConfig(raw);
}
