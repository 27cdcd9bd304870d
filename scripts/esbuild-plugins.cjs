// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml; the benchmark
// builds with the same list).
//
// own-source-maps: the Lambda bundles ship source maps so stack traces name our own files and lines
// (NODE_OPTIONS=--enable-source-maps), but about three quarters of each map described the bundled
// AWS SDK, Smithy, zod and Powertools, whose frames nobody debugs from a production trace. This
// plugin rewrites each map after the build, keeping only the mappings into our own sources; the
// zips shrink by a third and our frames keep their positions. Frames inside node_modules then show
// bundle positions, as they would without a map.
'use strict';

const { readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/** Decodes one segment's base64 VLQ fields. */
function decodeSegment(text) {
  const fields = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`invalid source map character ${char}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return fields;
}

function encodeValue(number) {
  let value = number < 0 ? (-number << 1) | 1 : number << 1;
  let out = '';
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    out += BASE64[digit];
  } while (value > 0);
  return out;
}

/**
 * A source map (v3) reduced to the mappings whose source passes `keep(path)`; sources (and their
 * contents, names) that no mapping uses any more are dropped and the rest renumbered.
 */
function trimSourceMap(map, keep) {
  const kept = map.sources.map((source) => keep(source));
  const newIndex = [];
  const sources = [];
  const contents = [];
  map.sources.forEach((source, index) => {
    if (!kept[index]) return;
    newIndex[index] = sources.length;
    sources.push(source);
    if (map.sourcesContent) contents.push(map.sourcesContent[index] ?? null);
  });
  const usedNames = new Map();
  const names = [];
  // Absolute state of the input; relative state of the output.
  let source = 0, line = 0, column = 0, name = 0;
  let outSource = 0, outLine = 0, outColumn = 0, outName = 0;
  const lines = map.mappings.split(';').map((group) => {
    let generated = 0, outGenerated = 0;
    const segments = [];
    for (const text of group.split(',')) {
      if (text === '') continue;
      const fields = decodeSegment(text);
      generated += fields[0];
      if (fields.length < 4) continue;
      source += fields[1];
      line += fields[2];
      column += fields[3];
      if (fields.length >= 5) name += fields[4];
      if (!kept[source]) continue;
      let segment = encodeValue(generated - outGenerated) + encodeValue(newIndex[source] - outSource) + encodeValue(line - outLine) + encodeValue(column - outColumn);
      outGenerated = generated;
      outSource = newIndex[source];
      outLine = line;
      outColumn = column;
      if (fields.length >= 5) {
        if (!usedNames.has(name)) {
          usedNames.set(name, names.length);
          names.push(map.names[name]);
        }
        const index = usedNames.get(name);
        segment += encodeValue(index - outName);
        outName = index;
      }
      segments.push(segment);
    }
    return segments.join(',');
  });
  const trimmed = { ...map, sources, names, mappings: lines.join(';') };
  if (map.sourcesContent) trimmed.sourcesContent = contents;
  return trimmed;
}

const ownSource = (path) => !/(^|\/)node_modules\//.test(path);

/** Keeps only our own sources in every source map the build writes. */
const ownSourceMaps = {
  name: 'own-source-maps',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      if (result.errors.length > 0 || !result.metafile) return;
      const root = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const output of Object.keys(result.metafile.outputs)) {
        if (!output.endsWith('.map')) continue;
        const file = resolve(root, output);
        const map = JSON.parse(readFileSync(file, 'utf8'));
        writeFileSync(file, JSON.stringify(trimSourceMap(map, ownSource)));
      }
    });
  },
};

// static-event-streams: @smithy/core's HttpProtocol loads its event-stream support with
// `await import("@smithy/core/event-streams")`. A dynamic import of a bundled module makes esbuild
// wrap that module and everything it imports in lazily initialised closures, which here is about
// two hundred modules of the SDK's core that every client initialises at load anyway: each is
// parsed twice and called through a wrapper on every cold start. Importing the same (side-effect
// free) module statically removes the wrappers: 4-7% fewer instructions per cold start. Warden
// calls no event-stream operation; if one ran, it would get the very same module.
const HTTP_PROTOCOL = /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]protocols[\\/]HttpProtocol\.js$/;
const DYNAMIC_EVENT_STREAMS = 'await import("@smithy/core/event-streams")';

/** Rewrites HttpProtocol's dynamic import of event streams into a static one (a warning when absent). */
const staticEventStreams = {
  name: 'static-event-streams',
  setup(build) {
    build.onLoad({ filter: HTTP_PROTOCOL }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(DYNAMIC_EVENT_STREAMS)) {
        return { contents: source, loader: 'js', warnings: [{ text: `static-event-streams: ${DYNAMIC_EVENT_STREAMS} not found in ${args.path}; the SDK changed, the plugin no longer applies` }] };
      }
      const contents = `import * as __eventStreams from "@smithy/core/event-streams";\n${source.replace(DYNAMIC_EVENT_STREAMS, '__eventStreams')}`;
      return { contents, loader: 'js' };
    });
  },
};

module.exports = [staticEventStreams, ownSourceMaps];
module.exports.staticEventStreams = staticEventStreams;
module.exports.ownSourceMaps = ownSourceMaps;
module.exports.trimSourceMap = trimSourceMap;
module.exports.decodeSegment = decodeSegment;
