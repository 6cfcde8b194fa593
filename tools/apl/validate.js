#!/usr/bin/env node
// Runs Amazon's static APL validator (apl-suggester) on RenderDocument directives.
// Usage: node validate.js FILE.json, where FILE holds a JSON array of
// {"name": ..., "directive": {"document": ..., "datasources": ...}}, or one
// {"document": ..., "datasources": ...} as `python -m skill ask --apl FILE` writes it.
// Prints {"<name>": [finding, ...], ...} as JSON; exit 0 once every directive
// was checked (findings or not), 2 if the input cannot be read.
'use strict';
const fs = require('fs');
const { StaticAplTemplateValidator } = require('apl-suggester');

async function main() {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: node validate.js FILE.json');
    return 2;
  }
  let entries;
  try {
    entries = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    console.error(`validate.js: ${path}: ${error.message}`);
    return 2;
  }
  if (!Array.isArray(entries)) {
    entries = [{ name: path, directive: entries }];
  }
  const validator = new StaticAplTemplateValidator();
  const findings = {};
  // One at a time: the validator shares one Ajv instance between calls.
  for (const { name, directive } of entries) {
    // validate() annotates the document it is given, so each call gets its own copy.
    const document = JSON.parse(JSON.stringify(directive.document));
    const found = (await validator.validate(document))
      .concat(await validator.validateDataSources(directive.datasources || {}));
    findings[name] = found.map(({ path: where, errorMessage, level }) => ({ path: where, message: errorMessage, level }));
  }
  process.stdout.write(JSON.stringify(findings) + '\n');
  return 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`validate.js: ${error.stack || error}`);
  process.exit(2);
});
