#!/usr/bin/env node
'use strict';
// Runs `npm ci` only when node_modules does not match package-lock.json, so repeated builds are
// fast and work offline. The stamp holds the hash of the lock file node_modules was installed from.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const stamp = path.join(root, 'node_modules', '.gridshare-lock.sha256');
const hash = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');

if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash) {
  console.log('[install] node_modules matches package-lock.json');
  process.exit(0);
}
// --prefer-offline: a warm npm cache is enough. --ignore-scripts: the anvil and forge binaries come
// as platform optional dependencies; their postinstall scripts are not needed.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`[install] npm ci failed (${result.error ? result.error.message : 'exit ' + result.status})`);
  process.exit(result.status || 1);
}
fs.writeFileSync(stamp, hash + '\n');
