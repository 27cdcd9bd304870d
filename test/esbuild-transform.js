// Jest transform: TypeScript → CommonJS with esbuild (already a dependency for bundling).
// Type checking is tsc's job in CI; this only strips types, fast. Inline source maps keep
// stack traces pointing at the .ts lines.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
    });
    return { code: result.code };
  },
};
