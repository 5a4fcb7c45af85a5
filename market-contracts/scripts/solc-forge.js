#!/usr/bin/env node
'use strict';
// Stands in for a native solc for forge (foundry.toml `solc = "scripts/solc-forge.js"`): answers
// `--version` like solc and compiles the standard JSON on stdin with solcjs. No native solc can be
// downloaded on the build machines, and the solcjs CLI prints a banner before its JSON output.
const fs = require('fs');
const solc = require('solc');
const { importResolver } = require('./solidity-sources');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version().replace('.Emscripten.clang', '')}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write(`solc-forge.js only supports --version and --standard-json, got: ${args.join(' ')}\n`);
  process.exit(2);
}
// forge passes --base-path/--include-path/--allow-paths; imports resolve against those too
const extraRoots = [];
for (let i = 0; i < args.length - 1; i++) {
  if (['--base-path', '--include-path', '--allow-paths'].includes(args[i])) {
    extraRoots.push(...args[i + 1].split(',').filter(Boolean));
  }
}
const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: importResolver(extraRoots) }));
