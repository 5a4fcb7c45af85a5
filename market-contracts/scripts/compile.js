#!/usr/bin/env node
'use strict';
// Compiles src/main/solidity with solcjs (npm `solc`, pinned in package-lock.json) and writes
// target/contracts/<Name>.abi and <Name>.bin for every deployable contract. Skips the compiler when
// the sources, the compiler version and the settings hash the same as the last successful run.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { MODULE_ROOT, listSources, importResolver } = require('./solidity-sources');

const SRC_DIR = path.join(MODULE_ROOT, 'src', 'main', 'solidity');
const OUT_DIR = path.join(MODULE_ROOT, 'target', 'contracts');
const STAMP = path.join(OUT_DIR, '.inputs.sha256');
const SETTINGS = {
  // via-IR and many runs: EnergyMarket.submitBatch runs once per participant, so runtime gas beats
  // code size (README "Gas"); foundry.toml uses the same settings
  optimizer: { enabled: true, runs: 10000 },
  viaIR: true,
  // anvil 1.7.1 runs the latest hardfork by default; prague bytecode runs there and on any
  // post-Pectra chain
  evmVersion: 'prague',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

function inputsHash(sources) {
  const solcPkg = JSON.parse(fs.readFileSync(require.resolve('solc/package.json'), 'utf8'));
  const ozPkg = JSON.parse(fs.readFileSync(require.resolve('@openzeppelin/contracts/package.json'), 'utf8'));
  const h = crypto.createHash('sha256');
  h.update(`solc ${solcPkg.version}\nopenzeppelin ${ozPkg.version}\n${JSON.stringify(SETTINGS)}\n`);
  h.update(fs.readFileSync(__filename));
  for (const [name, { content }] of Object.entries(sources)) h.update(`\n${name}\n${content}`);
  return h.digest('hex');
}

function main() {
  const sources = {};
  for (const rel of listSources(SRC_DIR)) {
    sources[rel] = { content: fs.readFileSync(path.join(MODULE_ROOT, rel), 'utf8') };
  }
  if (Object.keys(sources).length === 0) {
    console.error(`no .sol files under ${SRC_DIR}`);
    return 1;
  }
  const hash = inputsHash(sources);
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8').trim() === hash) {
    console.log(`[compile] contracts up to date (${Object.keys(sources).length} sources)`);
    return 0;
  }

  const solc = require('solc'); // loading the emscripten compiler takes a second: only when needed
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: importResolver() }));
  let failed = false;
  for (const e of output.errors || []) {
    const text = e.formattedMessage || e.message;
    if (e.severity === 'error') {
      failed = true;
      console.error(text);
    } else {
      console.warn(text);
    }
  }
  if (failed) {
    console.error(`[compile] solc ${solc.version()} reported errors`);
    return 1;
  }

  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.rmSync(STAMP, { force: true });
  const written = [];
  for (const rel of Object.keys(sources)) {
    for (const [name, contract] of Object.entries(output.contracts[rel] || {})) {
      const bytecode = contract.evm.bytecode.object;
      if (!bytecode) continue; // abstract contracts and interfaces: nothing to deploy
      writeIfChanged(path.join(OUT_DIR, `${name}.abi`), JSON.stringify(contract.abi));
      writeIfChanged(path.join(OUT_DIR, `${name}.bin`), bytecode);
      written.push(name);
    }
  }
  fs.writeFileSync(STAMP, hash + '\n');
  console.log(`[compile] solc ${solc.version()}: ${written.join(', ')} -> ${path.relative(MODULE_ROOT, OUT_DIR)}`);
  return 0;
}

// Unchanged outputs keep their timestamps, so the wrapper generation downstream can skip.
function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.writeFileSync(file, content);
}

process.exitCode = main();
