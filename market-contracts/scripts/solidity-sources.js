'use strict';
// Shared by compile.js and solc-forge.js: where the contracts live and how imports resolve.
const fs = require('fs');
const path = require('path');

const MODULE_ROOT = path.resolve(__dirname, '..');
const NODE_MODULES = path.join(MODULE_ROOT, 'node_modules');

/** Solidity sources under dir, as paths relative to MODULE_ROOT with forward slashes, sorted. */
function listSources(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.sol')) out.push(path.relative(MODULE_ROOT, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Import callback for solc.compile: '@scope/...' and bare package paths come from node_modules,
 * anything else from the module root or the given extra roots. Never reads outside those roots.
 */
function importResolver(extraRoots = []) {
  const roots = [MODULE_ROOT, NODE_MODULES, ...extraRoots].map((r) => path.resolve(r));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
    for (const candidate of candidates) {
      const resolved = path.resolve(candidate);
      if (!roots.some((r) => resolved === r || resolved.startsWith(r + path.sep))) continue;
      if (fs.existsSync(resolved) && fs.statSync(resolved).isFile()) {
        return { contents: fs.readFileSync(resolved, 'utf8') };
      }
    }
    return { error: `import not found: ${importPath} (looked in ${roots.join(', ')})` };
  };
}

module.exports = { MODULE_ROOT, NODE_MODULES, listSources, importResolver };
