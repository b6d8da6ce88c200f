// Validates recorded sandbox responses against an OpenAPI 3 or Swagger 2 document.
//
//   node validate.mjs --spec FILE --samples DIR
//
// Each *.json file in DIR is {"method","path","status","body"}, where path is the document's
// templated path (/repos/{owner}/{repo}/actions/runs). Refs resolve inside the document, so
// both #/components/schemas/... (OpenAPI 3) and #/definitions/... (Swagger 2) work. Every
// failure is printed with the sample and the JSON path inside the body. Exit 0 = all valid,
// 1 = some invalid or without a schema, 2 = usage or input error.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

function usage(message) {
  console.error(`validate.mjs: ${message}\nusage: node validate.mjs --spec FILE --samples DIR`);
  process.exit(2);
}

const args = process.argv.slice(2);
let specFile;
let samplesDir;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--spec') specFile = args[++i];
  else if (args[i] === '--samples') samplesDir = args[++i];
  else usage(`unknown argument ${args[i]}`);
}
if (!specFile || !samplesDir) usage('--spec and --samples are required');

let spec;
try {
  spec = JSON.parse(readFileSync(specFile, 'utf8'));
} catch (e) {
  usage(`cannot read spec ${specFile}: ${e.message}`);
}
const swagger2 = typeof spec.swagger === 'string';

// OpenAPI 3.0 `nullable: true` admits null whatever the enum says (GitHub's in-progress jobs
// have conclusion null against a nullable enum); Ajv needs the null spelled out in the enum.
(function admitNullInNullableEnums(node) {
  if (Array.isArray(node)) {
    node.forEach(admitNullInNullableEnums);
  } else if (node && typeof node === 'object') {
    if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null))
      node.enum.push(null);
    Object.values(node).forEach(admitNullInNullableEnums);
  }
})(spec);

// OpenAPI's own number formats carry no constraint a JSON validator knows; accept them.
const ajv = new Ajv({
  strict: false,
  allErrors: true,
  formats: { int32: true, int64: true, float: true, double: true, byte: true, binary: true,
             password: true },
});
addFormats(ajv);
ajv.addSchema(spec, 'spec');

const escape = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function lookup(pointer) {
  let node = spec;
  for (const raw of pointer.replace(/^#\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node == null || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/// The JSON pointer of the body schema for (method, path, status), or null when the
/// document says the response has no body; undefined when the document lacks the response.
function schemaPointer(method, path, status) {
  const op = spec.paths?.[path]?.[method.toLowerCase()];
  if (!op) return undefined;
  const code = String(status);
  const key = code in op.responses ? code : ('default' in op.responses ? 'default' : undefined);
  if (key === undefined) return undefined;
  let pointer = `#/paths/${escape(path)}/${method.toLowerCase()}/responses/${key}`;
  let response = op.responses[key];
  for (let hops = 0; response && response.$ref && hops < 10; ++hops) {
    pointer = response.$ref;
    response = lookup(pointer);
  }
  if (!response) return undefined;
  if (swagger2) return response.schema ? `${pointer}/schema` : null;
  const content = response.content;
  if (!content) return null;
  const type = Object.keys(content).find((t) => t.includes('json'));
  if (!type || !content[type].schema) return null;
  return `${pointer}/content/${escape(type)}/schema`;
}

let files;
try {
  files = readdirSync(samplesDir).filter((f) => f.endsWith('.json')).sort();
} catch (e) {
  usage(`cannot list samples ${samplesDir}: ${e.message}`);
}
let failures = 0;
for (const file of files) {
  let sample;
  try {
    sample = JSON.parse(readFileSync(join(samplesDir, file), 'utf8'));
  } catch (e) {
    console.log(`FAIL ${file}: not JSON (${e.message})`);
    ++failures;
    continue;
  }
  const where = `${file} ${sample.method} ${sample.path} ${sample.status}`;
  const pointer = schemaPointer(sample.method, sample.path, sample.status);
  if (pointer === undefined) {
    console.log(`FAIL ${where}: the document has no such response`);
    ++failures;
    continue;
  }
  if (pointer === null) {
    if (sample.body !== null && sample.body !== undefined && sample.body !== '') {
      console.log(`FAIL ${where}: the document says no body, got one`);
      ++failures;
    }
    continue;
  }
  const validate = ajv.getSchema(`spec${pointer}`);
  if (!validate) {
    console.log(`FAIL ${where}: cannot compile ${pointer}`);
    ++failures;
    continue;
  }
  if (!validate(sample.body)) {
    ++failures;
    for (const err of validate.errors) {
      console.log(`FAIL ${where}: body${err.instancePath || ''} ${err.message}` +
                  (err.params && Object.keys(err.params).length ? ` ${JSON.stringify(err.params)}` : ''));
    }
  }
}
console.log(`validated ${files.length} samples against ${specFile}: ${failures} failing`);
process.exit(failures ? 1 : 0);
