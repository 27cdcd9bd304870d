import { readFile, stat } from 'node:fs/promises';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { InvalidTemplateError } from '../../domain/template';
import type { TemplatePath } from '../../domain/template';

/**
 * Loads a CloudFormation template from JSON or YAML. YAML may use CloudFormation's short-form tags
 * (`!Ref`, `!Sub`, `!GetAtt A.B`, …): they become the long form (`{"Ref": …}`, `{"Fn::Sub": …}`)
 * the scanner reads. Keeps the line of every key and list item, so findings can point at a line.
 */

/** A template file read into plain data, with a way back to its lines. */
export interface LoadedTemplate {
  readonly file: string;
  readonly value: unknown;
  /** The 1-based line of the value at `path`, or of its nearest ancestor that has one. */
  lineOf(path: TemplatePath): number | undefined;
}

/** CloudFormation templates are at most 1 MB (S3); leave room for comments and formatting. */
const MAX_BYTES = 5 * 1024 * 1024;

/** Short-form tags and their long form. `!GetAtt A.B` takes the dotted form; the rest wrap their value. */
const TAGS: ReadonlyMap<string, string> = new Map([
  ['!Ref', 'Ref'],
  ['!Condition', 'Condition'],
  ...['Sub', 'GetAtt', 'Join', 'If', 'Select', 'Split', 'FindInMap', 'ImportValue', 'Base64', 'Cidr', 'Equals', 'Not', 'And', 'Or', 'GetAZs', 'Transform', 'Length', 'ToJsonString'].map(
    (name): [string, string] => [`!${name}`, `Fn::${name}`],
  ),
]);

const MAX_ALIASES = 1_000;

const SCALAR_ONLY = new Set(['Ref', 'Condition']);

class Converter {
  readonly lines = new Map<string, number>();
  /** Aliases expanded so far: YAML anchors can grow a small file exponentially ("billion laughs"). */
  private aliases = 0;

  constructor(
    private readonly doc: Document,
    private readonly counter: LineCounter,
    private readonly file: string,
  ) {}

  convert(node: unknown, path: (string | number)[]): unknown {
    if (isAlias(node)) {
      if (++this.aliases > MAX_ALIASES) this.fail(node, `more than ${MAX_ALIASES} alias expansions`);
      return this.convert(node.resolve(this.doc), path);
    }
    const plain = this.plain(node, path);
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag === undefined || !tag.startsWith('!')) return plain;
    return this.tagged(tag, node as YamlNode, plain);
  }

  private plain(node: unknown, path: (string | number)[]): unknown {
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : this.fail(pair.key as YamlNode, 'mapping keys must be plain scalars');
        const childPath = [...path, key];
        this.remember(childPath, pair.key as YamlNode);
        // defineProperty, not assignment: a key named `__proto__` stays data, as with JSON.parse.
        Object.defineProperty(out, key, { value: this.convert(pair.value, childPath), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const childPath = [...path, index];
        this.remember(childPath, item as YamlNode);
        return this.convert(item, childPath);
      });
    }
    if (isScalar(node)) return node.value;
    return null;
  }

  private tagged(tag: string, node: YamlNode, plain: unknown): unknown {
    const fn = TAGS.get(tag);
    if (fn === undefined) return this.fail(node, `unknown tag ${tag.slice(0, 40)} (CloudFormation short forms are !Ref, !Sub, !GetAtt, !Join, !If, …)`);
    if (SCALAR_ONLY.has(fn) && typeof plain !== 'string') return this.fail(node, `${tag} takes a name`);
    if (fn === 'Fn::GetAtt' && typeof plain === 'string') {
      const dot = plain.indexOf('.');
      if (dot <= 0) return this.fail(node, '!GetAtt takes LogicalId.Attribute');
      return { [fn]: [plain.slice(0, dot), plain.slice(dot + 1)] };
    }
    return { [fn]: plain };
  }

  private remember(path: readonly (string | number)[], node: YamlNode | null): void {
    const offset = node?.range?.[0];
    if (offset !== undefined) this.lines.set(JSON.stringify(path), this.counter.linePos(offset).line);
  }

  private fail(node: YamlNode | null, message: string): never {
    const offset = node?.range?.[0];
    const where = offset === undefined ? '' : ` at line ${this.counter.linePos(offset).line}`;
    throw new InvalidTemplateError(`${this.file}${where}: ${message}`);
  }
}

function lineLookup(lines: ReadonlyMap<string, number>): (path: TemplatePath) => number | undefined {
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const line = lines.get(JSON.stringify(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}

/** Parses template text (JSON or YAML). @throws InvalidTemplateError naming the file, line and reason. */
export function parseTemplateText(text: string, file: string): LoadedTemplate {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, merge: false, schema: 'core', prettyErrors: false });
  const error = doc.errors[0];
  if (error !== undefined) return jsonFallback(text, file, error.message);
  const converter = new Converter(doc, counter, file);
  const value = converter.convert(doc.contents, []);
  return { file, value, lineOf: lineLookup(converter.lines) };
}

/** JSON that YAML rejects (tab indentation) is still JSON; line numbers are then unknown. */
function jsonFallback(text: string, file: string, yamlMessage: string): LoadedTemplate {
  if (text.trimStart().startsWith('{')) {
    try {
      return { file, value: JSON.parse(text) as unknown, lineOf: () => undefined };
    } catch (error) {
      throw new InvalidTemplateError(`${file}: not valid JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}`, { cause: error });
    }
  }
  throw new InvalidTemplateError(`${file}: not valid YAML: ${yamlMessage.split('\n')[0]?.slice(0, 200) ?? 'parse error'}`);
}

/** Reads and parses a template file. @throws InvalidTemplateError when it cannot be read or parsed. */
export async function loadTemplate(file: string): Promise<LoadedTemplate> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new InvalidTemplateError(`${file}: not a file`);
    if (info.size > MAX_BYTES) throw new InvalidTemplateError(`${file}: larger than ${MAX_BYTES / 1024 / 1024} MB`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InvalidTemplateError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new InvalidTemplateError(`${file}: cannot read the file (${code})`, { cause: error });
  }
  return parseTemplateText(text, file);
}
