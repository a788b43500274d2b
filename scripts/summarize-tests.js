#!/usr/bin/env node
// Adds up the test counts of every runner (jest's JSON, pytest's JUnit XML) in the reports folder
// and prints one closing line: "tests: N passed, N failed, N skipped".
const fs = require('fs');
const path = require('path');
const dir = process.argv[2] || 'reports';
let passed = 0, failed = 0, skipped = 0;
if (fs.existsSync(dir)) {
  for (const file of fs.readdirSync(dir)) {
    const full = path.join(dir, file);
    if (file.endsWith('.json') && file.startsWith('jest')) {
      const r = JSON.parse(fs.readFileSync(full, 'utf8'));
      passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
      skipped += r.numPendingTests + r.numTodoTests;
    } else if (file.endsWith('.xml')) {
      const xml = fs.readFileSync(full, 'utf8');
      for (const m of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
        const attr = (n) => Number((m[1].match(new RegExp(`\\b${n}="(\\d+)"`)) || [0, 0])[1]);
        const tests = attr('tests'), fail = attr('failures') + attr('errors'), skip = attr('skipped');
        passed += tests - fail - skip; failed += fail; skipped += skip;
      }
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
